-- PII redaction of captured content per org or key (issue #22, docs/redaction.md). Null: not set at this scope.
-- redaction_detectors is a comma-separated list of detector names; null means all of them.
alter table gateway_policies add column redaction_enabled boolean;
alter table gateway_policies add column redaction_detectors varchar(200);
