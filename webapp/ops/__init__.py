"""Running the app in production: health checks, structured logs, start-up refusals, backups, the
multi-worker server and the upload directory's housekeeping. Nothing here knows about companies or
questionnaires; the areas of the app never import this package (the app factory and the CLI do).
"""
