{{/*
Names. The chart's name, and the release's full name: `<release>-hawk`, or just `<release>` when the
release name already contains "hawk" (so `helm install hawk` gives hawk-server, not hawk-hawk-server).
Kubernetes names are limited to 63 characters (DNS labels); suffixed names keep their suffix whole
and shorten the full name instead, so two objects never collide after truncation.
*/}}
{{- define "hawk.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hawk.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<suffix>" within 63 characters. Call with (list $ "suffix"). */}}
{{- define "hawk.suffixed" -}}
{{- $root := index . 0 -}}
{{- $suffix := index . 1 -}}
{{- printf "%s-%s" (include "hawk.fullname" $root | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix -}}
{{- end -}}

{{- define "hawk.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object. Call with (list $ "component"). */}}
{{- define "hawk.labels" -}}
{{- $root := index . 0 -}}
helm.sh/chart: {{ include "hawk.chart" $root }}
{{ include "hawk.selector" . }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
{{- with $root.Values.commonLabels }}
{{ omit . "helm.sh/chart" "app.kubernetes.io/name" "app.kubernetes.io/instance" "app.kubernetes.io/component" "app.kubernetes.io/version" "app.kubernetes.io/managed-by" | toYaml }}
{{- end }}
{{- end -}}

{{/*
A pod template's metadata: the chart's labels (they win over podLabels and commonLabels: the selectors
rely on them) and podAnnotations. Call with (list $ "component").
*/}}
{{- define "hawk.podMetadata" -}}
{{- $root := index . 0 -}}
{{- $labels := merge (include "hawk.labels" . | fromYaml) ($root.Values.podLabels | default dict) -}}
labels: {{- toYaml $labels | nindent 2 }}
{{- with $root.Values.podAnnotations }}
annotations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Scheduling and pod-level settings shared by the server and web pods. Call with (list $ "component" componentValues).
The component's own nodeSelector/tolerations win over the top-level ones; its affinity replaces the default:
replicas preferably on different nodes, since hawk checks others for a single point of failure and should not be one. A topologySpreadConstraint without labelSelector selects this component.
*/}}
{{- define "hawk.podScheduling" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
{{- $values := index . 2 -}}
{{- with $root.Values.podSecurityContext }}
securityContext: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
affinity:
{{- if $values.affinity }}
  {{- toYaml $values.affinity | nindent 2 }}
{{- else }}
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels: {{- include "hawk.selector" (list $root $component) | nindent 14 }}
{{- end }}
{{- with ($values.nodeSelector | default $root.Values.nodeSelector) }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with ($values.tolerations | default $root.Values.tolerations) }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.topologySpreadConstraints }}
topologySpreadConstraints:
{{- range . }}
  {{- if hasKey . "labelSelector" }}
  - {{- toYaml . | nindent 4 }}
  {{- else }}
  - {{- toYaml (set (deepCopy .) "labelSelector" (dict "matchLabels" (include "hawk.selector" (list $root $component) | fromYaml))) | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The labels a component's selectors match (immutable once a Deployment exists). Call with (list $ "component"). */}}
{{- define "hawk.selector" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "hawk.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "hawk.serverName" -}}{{ include "hawk.suffixed" (list . "server") }}{{- end -}}
{{- define "hawk.webName" -}}{{ include "hawk.suffixed" (list . "web") }}{{- end -}}
{{- define "hawk.redisName" -}}{{ include "hawk.suffixed" (list . "redis") }}{{- end -}}
{{- define "hawk.leaderLease" -}}{{ include "hawk.suffixed" (list . "leader") }}{{- end -}}
{{- define "hawk.serviceAccount" -}}{{ include "hawk.fullname" . }}{{- end -}}

{{- define "hawk.tokenSecret" -}}
{{- if .Values.auth.existingSecret -}}{{ .Values.auth.existingSecret }}{{- else -}}{{ include "hawk.suffixed" (list . "token") }}{{- end -}}
{{- end -}}

{{- define "hawk.image" -}}
{{- $tag := default .root.Chart.AppVersion .image.tag -}}
{{- if .image.digest -}}{{ .image.repository }}:{{ $tag }}@{{ .image.digest }}{{- else -}}{{ .image.repository }}:{{ $tag }}{{- end -}}
{{- end -}}

{{/*
A generated secret value that survives upgrades: the one already in the cluster's Secret when there
is one (`lookup`; empty under `helm template`, which has no cluster), else a new random one.
Call with (dict "root" $ "secret" name "key" key "length" n); yields the base64 value.
*/}}
{{- define "hawk.stableRandom" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret -}}
{{- if and $existing (index ($existing.data | default dict) .key) -}}
{{- index $existing.data .key -}}
{{- else -}}
{{- randAlphaNum (int .length) | b64enc -}}
{{- end -}}
{{- end -}}

{{/* Host names of the Ingress, in order. */}}
{{- define "hawk.ingressHosts" -}}
{{- if .Values.ingress.enabled -}}{{ join "," .Values.ingress.hosts }}{{- end -}}
{{- end -}}

{{/*
HAWK_WEB_ORIGIN: where browsers load hawk from. Each Ingress host (https when a TLS entry covers it),
plus web.origins; with neither, the port-forward address NOTES.txt gives.
*/}}
{{- define "hawk.webOrigins" -}}
{{- $origins := list -}}
{{- if .Values.ingress.enabled -}}
{{- $tlsHosts := list -}}
{{- range .Values.ingress.tls -}}{{- $tlsHosts = concat $tlsHosts (default (list) .hosts) -}}{{- end -}}
{{- range .Values.ingress.hosts -}}
{{- $origins = append $origins (printf "%s://%s" (ternary "https" "http" (has . $tlsHosts)) .) -}}
{{- end -}}
{{- end -}}
{{- $origins = concat $origins .Values.web.origins -}}
{{- if not $origins -}}{{- $origins = list "http://localhost:8080" -}}{{- end -}}
{{- join "," (uniq $origins) -}}
{{- end -}}

{{/*
HAWK_ALLOWED_HOSTS (the backend's Host allow-list against DNS rebinding): the Ingress hosts, the
backend Service's DNS names (the web's proxy calls it by them), and server.allowedHosts.
*/}}
{{- define "hawk.allowedHosts" -}}
{{- $service := include "hawk.serverName" . -}}
{{- $ns := .Release.Namespace -}}
{{- $hosts := list $service (printf "%s.%s" $service $ns) (printf "%s.%s.svc" $service $ns) (printf "%s.%s.svc.%s" $service $ns .Values.clusterDomain) -}}
{{- if .Values.ingress.enabled -}}{{- $hosts = concat .Values.ingress.hosts $hosts -}}{{- end -}}
{{- join "," (uniq (concat $hosts .Values.server.allowedHosts)) -}}
{{- end -}}

{{/* Whether the chart runs its own Redis, or uses one whose URL is in a Secret. */}}
{{- define "hawk.redisUrlSecret" -}}
{{- if .Values.redis.enabled -}}{{ include "hawk.redisName" . }}{{- else if .Values.redis.existingUrlSecret.name -}}{{ .Values.redis.existingUrlSecret.name }}{{- end -}}
{{- end -}}
{{- define "hawk.redisUrlKey" -}}
{{- if .Values.redis.enabled -}}url{{- else -}}{{ .Values.redis.existingUrlSecret.key }}{{- end -}}
{{- end -}}
