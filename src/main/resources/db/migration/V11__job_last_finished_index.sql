-- The dashboard's "last job" of each instance: one index seek per instance (newest finished first) instead of
-- numbering every finished job of the history.
create index ix_job_instance_finished on job (instance_id, finished_at desc, id desc);
