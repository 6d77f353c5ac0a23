{{- /*
todod.alertGroups: the alert rules, as the "groups:" list of a Prometheus rules file. One source
for the plain rules ConfigMap and the PrometheusRule (templates/monitoring.yaml). Thresholds come
from metrics.alerts. Every series is todod's own (src/ metrics), so no job label is assumed;
scripts/chart-check.sh runs `promtool check rules` and `promtool test rules` on the result.
*/ -}}
{{- define "todod.alertGroups" -}}
{{- $a := .Values.metrics.alerts -}}
- name: todod
  rules:
    - alert: TododOutboxEventsStuck
      expr: max by (namespace, pod) (todod_outbox_oldest_age_seconds) > {{ $a.outboxOldestAgeSeconds }}
      for: 2m
      labels:
        severity: warning
      annotations:
        summary: Outbox events wait longer than {{ $a.outboxOldestAgeSeconds }}s to be published
        description: >-
          The oldest unpublished outbox event of {{ "{{ $labels.pod }}" }} is {{ "{{ $value | humanizeDuration }}" }}
          old: daprd, the broker or the relay is failing (see todod_outbox_failed_total). Writes are
          refused (429) once the projected lag passes TODOD_MAX_EVENT_LAG_MS.
    - alert: TododRemindersLate
      expr: >-
        histogram_quantile(0.95, sum by (namespace, le) (rate(todod_reminder_fire_lateness_seconds_bucket[10m])))
        > {{ $a.reminderLatenessSeconds }}
      for: 10m
      labels:
        severity: warning
      annotations:
        summary: Reminders fire more than {{ $a.reminderLatenessSeconds }}s late (p95)
        description: >-
          95 % of reminders fired in the last 10 minutes were {{ "{{ $value | humanizeDuration }}" }} or more
          after their time: the Dapr Scheduler is slow or jobs are lost (the reconciler fires those late).
    - alert: TododRemindersJobsLost
      expr: sum by (namespace) (increase(todod_reminders_reconciled_total{action="fired_late"}[30m])) > 0
      labels:
        severity: info
      annotations:
        summary: The reconciler fired reminders whose scheduler job was lost
        description: '{{ "{{ $value }}" }} reminders fired late by the reconciler in 30 minutes.'
    - alert: TododConsumerDeadLetters
      expr: >-
        sum by (namespace, topic) (increase(todod_consumer_events_total{outcome="dead_lettered"}[15m])) > 0
        or sum by (namespace, topic) (increase(todod_dead_letters_recorded_total[15m])) > 0
      labels:
        severity: warning
      annotations:
        summary: Messages on {{ "{{ $labels.topic }}" }} were dead-lettered
        description: >-
          {{ "{{ $value }}" }} messages of {{ "{{ $labels.topic }}" }} could not be applied in 15 minutes; they are kept in
          the dead_letters table (GET api/ops/dead-letters/...).
    - alert: TododHigh5xxRate
      expr: >-
        sum by (namespace) (rate(todod_http_requests_total{status=~"5.."}[5m]))
        / sum by (namespace) (rate(todod_http_requests_total[5m])) > {{ $a.error5xxRatio }}
      for: 5m
      labels:
        severity: critical
      annotations:
        summary: More than {{ mulf $a.error5xxRatio 100 }} % of REST requests fail with 5xx
        description: '{{ "{{ $value | humanizePercentage }}" }} of requests answered 5xx over 5 minutes.'
    - alert: TododNotReady
      expr: >-
        min by (namespace, pod) (todod_up * todod_database_up * todod_subscribed
        * (todod_schema_migrations_pending == bool 0)) == 0
      for: {{ $a.notReadyFor }}
      labels:
        severity: critical
      annotations:
        summary: todod pod {{ "{{ $labels.pod }}" }} is not ready
        description: >-
          /readyz fails: still starting, database unreachable, daprd has not subscribed, or migrations
          are pending (see todod_up, todod_database_up, todod_subscribed, todod_schema_migrations_pending).
{{- end }}
