"""reportgen.pages"""
