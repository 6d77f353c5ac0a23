{{/* Chart name. */}}
{{- define "todod.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" }}
{{- end }}

{{/* Full name prefix of every object: at most 40 characters, so "<fullname>-database-url" and the
Strimzi pod names derived from it stay valid DNS labels. */}}
{{- define "todod.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "todod.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "todod.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todod.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "todod.labels" -}}
helm.sh/chart: {{ include "todod.chart" . }}
{{ include "todod.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: todod
{{- end }}

{{- define "todod.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "todod.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "todod.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Secret names. todod asks the secret store for secret NAME and reads its key NAME, so each
Secret's name and data key are the same string. */}}
{{- define "todod.databaseSecret" -}}{{ include "todod.fullname" . }}-database-url{{- end }}
{{- define "todod.jwtSecret" -}}{{ include "todod.fullname" . }}-jwt-secret{{- end }}
{{- define "todod.apiTokenSecret" -}}{{ include "todod.fullname" . }}-dapr-api-token{{- end }}
{{- define "todod.appTokenSecret" -}}{{ include "todod.fullname" . }}-dapr-app-token{{- end }}
{{- define "todod.kafkaCluster" -}}{{ include "todod.fullname" . }}-kafka{{- end }}
{{- define "todod.daprConfig" -}}{{ include "todod.fullname" . }}{{- end }}

{{/* Kafka bootstrap servers: the Strimzi cluster's bootstrap Service, or the external list. */}}
{{- define "todod.kafkaBrokers" -}}
{{- if .Values.kafka.strimzi.enabled }}
{{- printf "%s-kafka-bootstrap.%s.svc:9092" (include "todod.kafkaCluster" .) .Release.Namespace }}
{{- else }}
{{- required "kafka.external.brokers is required when kafka.strimzi.enabled is false" .Values.kafka.external.brokers }}
{{- end }}
{{- end }}

{{/* The database URL of the development StatefulSet. */}}
{{- define "todod.devDatabaseUrl" -}}
{{- printf "postgres://todod:%s@%s-postgresql.%s.svc:5432/todod?sslmode=disable" .Values.postgresql.dev.password (include "todod.fullname" .) .Release.Namespace }}
{{- end }}

{{/* A token Secret's value: kept from the live Secret on upgrade, random on first install. */}}
{{- define "todod.token" -}}
{{- $s := lookup "v1" "Secret" .root.Release.Namespace .name }}
{{- if and $s $s.data $s.data.token }}
{{- $s.data.token }}
{{- else }}
{{- randAlphaNum 48 | b64enc }}
{{- end }}
{{- end }}

{{/* Probe body for the app port. */}}
{{- define "todod.probe" -}}
{{- if eq .root.Values.probes.type "http" }}
httpGet:
  path: {{ .path }}
  port: http
{{- else if eq .root.Values.probes.type "grpc" }}
grpc:
  port: {{ .root.Values.appPort }}
{{- else }}
tcpSocket:
  port: grpc
{{- end }}
{{- toYaml .p | nindent 0 }}
{{- end }}

{{/* A Ki/Mi quantity (the schema allows only these forms) as bytes. */}}
{{- define "todod.quantityBytes" -}}
{{- if hasSuffix "Mi" . }}{{ mul (trimSuffix "Mi" . | atoi) 1048576 }}
{{- else if hasSuffix "Ki" . }}{{ mul (trimSuffix "Ki" . | atoi) 1024 }}
{{- else }}{{ . }}{{ end }}
{{- end }}

{{/* The WebSocket URL handed out with a real-time ticket: realtime.publicUrl, else the first
ingress host (wss when the Ingress has TLS), else the Service's in-cluster address. */}}
{{- define "todod.realtimeUrl" -}}
{{- if .Values.realtime.publicUrl -}}
{{- .Values.realtime.publicUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- printf "%s://%s/realtime" (ternary "wss" "ws" (gt (len .Values.ingress.tls) 0)) (index .Values.ingress.hosts 0).host -}}
{{- else -}}
{{- printf "ws://%s.%s.svc:%v/realtime" (include "todod.fullname" .) .Release.Namespace .Values.service.port -}}
{{- end -}}
{{- end }}
