-- The job history's order (newest first, the id breaking ties) as indexes, so that a page is read by walking one
-- index instead of sorting the matching jobs: all jobs, and the status filter. H2 uses an index for an ORDER BY
-- only when its directions match, hence "desc". They replace the single-column indexes they start with.
create index ix_job_created_id on job (created_at desc, id desc);
drop index ix_job_created;
create index ix_job_status_created on job (status, created_at desc, id desc);
drop index ix_job_status;
-- the flow filter, and the filter's list of flows (select distinct flow)
create index ix_job_flow on job (flow);
