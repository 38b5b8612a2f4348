from collector.cli import app

app()
