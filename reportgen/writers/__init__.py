"""reportgen.writers"""
