-- One PostgreSQL for the compose stack: the gateway's admin state, the schema registry's storage, the notifier's
-- delivery record, and the warehouse the Connect sink writes usage to. Run once, when the data volume is created.
CREATE DATABASE tollgate;
CREATE DATABASE registry;
CREATE DATABASE notifier;
CREATE DATABASE warehouse;
