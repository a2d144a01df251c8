"""Virtual data loggers: seeded signal models per source type, HJ 212 packets, and a logger client that
sends them to a receiver with the standard's acknowledgement, retries and history backfill."""
