"""Parses feed files with feedparser and prints what a reader would see, as JSON.

Usage: /usr/bin/python3 feedparser.py FEED [FEED...]
One path prints one object; several print a list, in the order given.
"""
import calendar
import json
import os
import sys
import time

# This file's own name would shadow the library: keep its folder off the import path.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != _here]
import feedparser  # noqa: E402


def iso(parsed):
    if not parsed:
        return None
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(calendar.timegm(parsed)))


def links(item):
    return [{'rel': l.get('rel'), 'href': l.get('href'), 'type': l.get('type'), 'title': l.get('title')} for l in item.get('links', [])]


def describe(path):
    parsed = feedparser.parse(path)
    feed = parsed.feed
    exception = parsed.get('bozo_exception')
    return {
        'version': parsed.get('version'),
        'bozo': bool(parsed.bozo),
        'bozo_exception': None if exception is None else f'{type(exception).__name__}: {exception}',
        'feed': {
            'title': feed.get('title'),
            'subtitle': feed.get('subtitle'),
            'id': feed.get('id'),
            'link': feed.get('link'),
            'links': links(feed),
            'language': feed.get('language'),
            'rights': feed.get('rights'),
            'updated': feed.get('updated'),
            'updated_iso': iso(feed.get('updated_parsed')),
            'published': feed.get('published'),
            'published_iso': iso(feed.get('published_parsed')),
            'generator': feed.get('generator'),
        },
        'entries': [
            {
                'id': e.get('id'),
                'guidislink': e.get('guidislink'),
                'title': e.get('title'),
                'title_type': (e.get('title_detail') or {}).get('type'),
                'link': e.get('link'),
                'links': links(e),
                'published': e.get('published'),
                'published_iso': iso(e.get('published_parsed')),
                'updated': e.get('updated'),
                'updated_iso': iso(e.get('updated_parsed')),
                'author': e.get('author'),
                'summary': e.get('summary'),
                'content': [c.get('value') for c in e.get('content', [])],
                'tags': [t.get('term') for t in e.get('tags', [])],
                'language': (e.get('title_detail') or {}).get('language'),
                'rights': e.get('rights'),
            }
            for e in parsed.entries
        ],
    }


def main(paths):
    if not paths:
        sys.exit('usage: feedparser.py FEED [FEED...]')
    results = [describe(p) for p in paths]
    json.dump(results[0] if len(paths) == 1 else results, sys.stdout, ensure_ascii=False)


if __name__ == '__main__':
    main(sys.argv[1:])
