export type { AlertNotice, AlertSink } from './alert-notice';
export { alertNameOf, createAlertmanagerSink } from './alertmanager-sink';
export { SinkDeliveryError, isRetryableStatus } from './alert-notice';
export { clusterPageLink, DEFAULT_RUNBOOK_BASE_URL, runbookUrl } from './runbooks';
export { createWebhookSink, escapeSlack, formatWebhookText, WEBHOOK_TEXT_LIMIT } from './webhook-sink';
export { createAlertDispatcher } from './alert-dispatcher';
export type { AlertDispatcher, AlertDispatcherOptions } from './alert-dispatcher';
