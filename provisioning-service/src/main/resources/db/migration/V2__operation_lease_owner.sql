-- Which replica's worker holds an operation's lease: a worker that lost its lease may not finish it.
ALTER TABLE operations ADD COLUMN lease_owner UUID;
