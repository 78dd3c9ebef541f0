{{- define "hawk.name" -}}{{ .Release.Name }}-hawk{{- end -}}
{{- define "hawk.labels" -}}
app.kubernetes.io/name: hawk
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
{{- define "hawk.selector" -}}
app.kubernetes.io/name: hawk
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- define "hawk.redisUrl" -}}
{{- if .Values.redis.url -}}{{ .Values.redis.url }}{{- else -}}redis://{{ include "hawk.name" . }}-redis:6379{{- end -}}
{{- end -}}
{{- define "hawk.tokenSecret" -}}
{{- if .Values.auth.existingSecret -}}{{ .Values.auth.existingSecret }}{{- else -}}{{ include "hawk.name" . }}-token{{- end -}}
{{- end -}}
{{- define "hawk.leaderLease" -}}{{ include "hawk.name" . }}-leader{{- end -}}
