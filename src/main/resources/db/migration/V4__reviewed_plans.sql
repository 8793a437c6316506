-- Plans reviewed through the API (POST /api/v1/jobs/plan), kept so that the client starts exactly that plan by
-- its id: the flow, the instance, the options as the flow resolved them (JSON; never a secret), the plan's digest,
-- who reviewed it and until when. A reviewed plan starts one job: started_job_id is set once, guarded in SQL.
-- Rows past expires_at are swept.

create table reviewed_plan (
    id                  varchar(36)   primary key,
    flow                varchar(64)   not null,
    instance_id         bigint        not null references instance (id) on delete cascade,
    options             varchar(4000) not null,
    digest              varchar(64)   not null,
    reviewed_by         varchar(64)   not null,
    created_at          timestamp with time zone not null,
    expires_at          timestamp with time zone not null,
    started_job_id      bigint,
    started_at          timestamp with time zone
);
create index ix_reviewed_plan_expires on reviewed_plan (expires_at);
