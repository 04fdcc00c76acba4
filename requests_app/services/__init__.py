"""Writes for the case. Each public function is one transaction that leaves history and an event row."""
