"""Certificates: issued on completing a course, printable, verifiable by code, revocable."""
