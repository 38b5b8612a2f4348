"""reportgen.load"""
