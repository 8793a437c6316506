-- A password someone else chose (the generated first admin's, an admin's reset) must be replaced by its user at
-- their next sign-in before anything else opens.
alter table panel_user add column password_change_required boolean default false not null;
