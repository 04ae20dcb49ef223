"""Reading and validation: bytes → tables → canonical frames with every problem named (SPEC §2)."""
