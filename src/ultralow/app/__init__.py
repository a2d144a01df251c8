"""Application services every front end calls (ultralow.app)."""
