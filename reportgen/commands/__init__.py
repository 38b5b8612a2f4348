"""reportgen.commands"""
