"""Helpers of the retention sweep benchmark."""
