-- The options the admin chose for a job's flow (as JSON): its result page and follow-ups (rollback) read them.
alter table job add column options varchar(4000);
