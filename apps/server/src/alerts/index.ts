export type { AlertNotice, AlertSink } from './alert-notice';
export { createAlertmanagerSink } from './alertmanager-sink';
export { createWebhookSink, formatWebhookText } from './webhook-sink';
export { createAlertDispatcher } from './alert-dispatcher';
export type { AlertDispatcher, AlertDispatcherOptions } from './alert-dispatcher';
