-- A step may run side by side with the step after it (the engine starts both together): kept with the job's plan.
alter table job_step add column beside_next boolean default false not null;
