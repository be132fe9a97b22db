"""``runserver`` (``make run``) with a listen backlog that takes bursts of clients.

Django's development server inherits socketserver's backlog of 5 connections; KISS sending
a few dozen saves at once then gets "connection reset by peer". This keeps everything of
staticfiles' runserver (static files in development) and only raises the backlog. The
``kiss_details`` app comes before ``django.contrib.staticfiles`` so this command wins.
"""

from django.contrib.staticfiles.management.commands import runserver
from django.core.servers.basehttp import WSGIServer


class BurstTolerantWSGIServer(WSGIServer):
    request_queue_size = 128


class Command(runserver.Command):
    server_cls = BurstTolerantWSGIServer
