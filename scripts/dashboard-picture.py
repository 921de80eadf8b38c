#!/usr/bin/env python3
"""Draws docs/grafana-dashboard.json as an SVG picture from the scrapes of a real godwit run, without Grafana or
Prometheus: the recorder plays Prometheus (scrapes /metrics every second and keeps the samples), the renderer plays
Grafana (lays the panels out on the dashboard's 24-column grid and evaluates each panel's own queries over the
samples). Python 3 standard library only.

usage:
  dashboard-picture.py record URL SAMPLES [--interval 1] [--until FILE]
      Scrapes URL (e.g. http://127.0.0.1:9187/metrics) every --interval seconds and appends each scrape to SAMPLES
      (JSON lines: {"t": unix seconds, "series": [[name, {labels}, value], ...]}; gzip-compressed when the name ends
      in .gz). Waits for the endpoint to open, records while it answers, and stops once it has been closed for
      10 s after answering (the run ended), when FILE exists, or on Ctrl-C / SIGTERM.
  dashboard-picture.py render SAMPLES OUT.svg [--dashboard docs/grafana-dashboard.json] [--task NAME]
                       [--width 1600]
      Draws every panel at its gridPos with its title and its targets evaluated over the recorded samples, at each
      scrape's time (an "instant" target at the last one only): time series as line charts over the whole recording
      (legendFormat's {{label}} in the legend), stat panels as the last value that is not NaN (Grafana's
      lastNotNull) in the field's unit, value mappings and thresholds (textMode "name" shows the series' name, so a
      `== 1` state panel shows the state), bar gauges as bars, the table after its labelsToFields and merge; "No
      data" where a query had nothing. $task is the recording's task unless --task names one.

The PromQL understood is what the dashboard uses, computed as Prometheus does: instant selectors with label matchers
(=, !=, =~, !~), 5 minutes of lookback and staleness (a series missing from a scrape is gone), rate/increase over
[Ns|m|h|d] with Prometheus's extrapolation, sum/min/max/avg/count with by/without, histogram_quantile, arithmetic
between vectors (matching on all labels but the name) and with scalars, comparison filters (== 1), numbers and
time(). Anything else is an error, never a silent guess.

docs/dashboard.svg is made by scripts/dashboard-picture.sh, which runs godwit over a pgbench database with writes,
a validation and a fenced cutover while `record` scrapes it, then `render`s; the scrapes are kept in
docs/dashboard.samples.jsonl.gz, so that `render docs/dashboard.samples.jsonl.gz docs/dashboard.svg` draws it again
after a change to the dashboard or to this script.
"""
import argparse
import gzip
import json
import math
import os
import re
import signal
import sys
import time
import urllib.error
import urllib.request


# ---------------------------------------------------------------------------------------------------------- recorder

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?\s*$')
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')
_UNESCAPE = {'\\\\': '\\', '\\"': '"', '\\n': '\n'}


def parse_exposition(text):
    """The samples of a Prometheus text (0.0.4) exposition: [(name, {label: value}, float)]."""
    series = []
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise ValueError('not a sample line: %r' % line)
        name, body, value = m.groups()
        labels, pos = {}, 0
        body = body or ''
        while pos < len(body):
            lm = _LABEL.match(body, pos)
            if not lm:
                raise ValueError('bad labels in %r' % line)
            labels[lm.group(1)] = re.sub(r'\\[\\"n]', lambda e: _UNESCAPE[e.group(0)], lm.group(2))
            pos = lm.end()
        series.append((name, labels, float(value)))
    return series


def _open(path, mode):
    return gzip.open(path, mode + 't') if path.endswith('.gz') else open(path, mode)


def record(url, path, interval, until):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    seen, closed_since, scrapes = False, None, 0
    with _open(path, 'a') as out:
        try:
            while not stop and not (until and os.path.exists(until)):
                started = time.time()
                try:
                    with urllib.request.urlopen(url, timeout=interval + 2) as response:
                        text = response.read().decode('utf-8')
                    out.write(json.dumps({'t': round(started, 3), 'series': parse_exposition(text)}) + '\n')
                    out.flush()
                    seen, closed_since, scrapes = True, None, scrapes + 1
                except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                    if seen:
                        closed_since = closed_since or started
                        if started - closed_since >= 10:
                            break
                time.sleep(max(0.0, interval - (time.time() - started)))
        except KeyboardInterrupt:
            pass
    print('recorded %d scrapes into %s' % (scrapes, path), file=sys.stderr)



# ------------------------------------------------------------------------------------------------------------ PromQL

LOOKBACK = 300.0  # seconds an instant selector looks back, as Prometheus's default lookback delta
STALE = None      # a sample marking a series gone from a scrape, as Prometheus's staleness marker


class Samples:
    """The recorded scrapes as series: {labels (a sorted tuple, __name__ included): ([t], [value or STALE])}."""

    def __init__(self, scrapes):
        self.times = [s['t'] for s in scrapes]
        self.series, self.by_name = {}, {}
        present = set()
        for scrape in scrapes:
            now = set()
            for name, labels, value in scrape['series']:
                key = tuple(sorted(dict(labels, __name__=name).items()))
                now.add(key)
                ts, vs = self.series.setdefault(key, ([], []))
                ts.append(scrape['t'])
                vs.append(float(value))
                if len(ts) == 1:
                    self.by_name.setdefault(name, []).append(key)
            for key in present - now:
                ts, vs = self.series[key]
                ts.append(scrape['t'])
                vs.append(STALE)
            present = now

    @staticmethod
    def load(path):
        scrapes = []
        with _open(path, 'r') as f:
            try:
                for line in f:
                    if line.endswith('\n'):
                        scrapes.append(json.loads(line))
            except EOFError:  # a recorder that was killed leaves its last gzip block unfinished
                pass
        return Samples(scrapes)


class Vector(dict):
    """An instant vector: {labels tuple: value}."""


class Query:
    """A parsed PromQL expression (the dashboard's subset), evaluated at a time over Samples."""

    _TOKEN = re.compile(r'\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)|(?P<str>"(?:[^"\\]|\\.)*")'
                        r'|(?P<dur>\[\d+[smhd]\])|(?P<id>[a-zA-Z_:][a-zA-Z0-9_:]*)'
                        r'|(?P<op>==|!=|>=|<=|=~|!~|[-+*/%^(){},=<>]))')
    _PRECEDENCE = [('==', '!=', '>=', '<=', '>', '<'), ('+', '-'), ('*', '/', '%'), ('^',)]

    def __init__(self, text):
        self.text, self.tokens, self.pos = text, [], 0
        i = 0
        while i < len(text):
            if text[i:].strip() == '':
                break
            m = self._TOKEN.match(text, i)
            if not m:
                raise ValueError('cannot read %r at %r' % (text, text[i:]))
            kind = m.lastgroup
            self.tokens.append((kind, m.group(kind)))
            i = m.end()
        self.tree = self._binary(0)
        if self.pos != len(self.tokens):
            raise ValueError('unexpected %r in %r' % (self.tokens[self.pos][1], text))

    # parsing
    def _peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def _take(self, value=None):
        token = self._peek()
        if token[0] is None or (value is not None and token[1] != value):
            raise ValueError('expected %r in %r' % (value, self.text))
        self.pos += 1
        return token

    def _binary(self, level):
        if level == len(self._PRECEDENCE):
            return self._primary()
        left = self._binary(level + 1)
        while self._peek()[0] == 'op' and self._peek()[1] in self._PRECEDENCE[level]:
            op = self._take()[1]
            right = self._binary(level + 1)
            left = ('binary', op, left, right)
        return left

    def _labels_list(self):
        self._take('(')
        names = []
        while self._peek()[1] != ')':
            names.append(self._take()[1])
            if self._peek()[1] == ',':
                self._take(',')
        self._take(')')
        return names

    def _primary(self):
        kind, value = self._take()
        if kind == 'num':
            return ('number', float(value))
        if value == '(':
            inner = self._binary(0)
            self._take(')')
            return inner
        if kind != 'id':
            raise ValueError('unexpected %r in %r' % (value, self.text))
        if value in ('sum', 'min', 'max', 'avg', 'count'):
            grouping = None
            if self._peek()[1] in ('by', 'without'):
                grouping = (self._take()[1], self._labels_list())
            self._take('(')
            inner = self._binary(0)
            self._take(')')
            if self._peek()[1] in ('by', 'without'):
                grouping = (self._take()[1], self._labels_list())
            return ('aggregate', value, grouping, inner)
        if self._peek()[1] == '(' and value in ('rate', 'increase', 'histogram_quantile', 'time'):
            self._take('(')
            args = []
            while self._peek()[1] != ')':
                args.append(self._binary(0))
                if self._peek()[1] == ',':
                    self._take(',')
            self._take(')')
            return ('call', value, args)
        matchers = [('__name__', '=', value)]
        if self._peek()[1] == '{':
            self._take('{')
            while self._peek()[1] != '}':
                label = self._take()[1]
                op = self._take()[1]
                text = self._take()[1]
                matchers.append((label, op, json.loads(text)))
                if self._peek()[1] == ',':
                    self._take(',')
            self._take('}')
        selector = ('selector', matchers)
        if self._peek()[0] == 'dur':
            text = self._take()[1][1:-1]
            seconds = float(text[:-1]) * {'s': 1, 'm': 60, 'h': 3600, 'd': 86400}[text[-1]]
            return ('range', selector, seconds)
        return selector

    # evaluation
    def at(self, samples, t):
        """The expression's value at time t: a Vector or a float (scalar)."""
        return self._eval(self.tree, samples, t)

    def _select(self, samples, matchers):
        name = matchers[0][2]
        for key in samples.by_name.get(name, []):
            labels = dict(key)
            if all(_matches(labels.get(label, ''), op, want) for label, op, want in matchers[1:]):
                yield key

    def _eval(self, node, samples, t):
        kind = node[0]
        if kind == 'number':
            return node[1]
        if kind == 'selector':
            out = Vector()
            for key in self._select(samples, node[1]):
                ts, vs = samples.series[key]
                i = _last_at(ts, t)
                if i >= 0 and t - ts[i] <= LOOKBACK and vs[i] is not STALE:
                    out[key] = vs[i]
            return out
        if kind == 'call':
            return self._call(node[1], node[2], samples, t)
        if kind == 'aggregate':
            return _aggregate(node[1], node[2], self._eval(node[3], samples, t))
        if kind == 'binary':
            return _binary(node[1], self._eval(node[2], samples, t), self._eval(node[3], samples, t))
        raise ValueError('%s is not evaluated on its own in %r' % (kind, self.text))

    def _call(self, name, args, samples, t):
        if name == 'time':
            return t
        if name in ('rate', 'increase'):
            (kind, selector, window), = args
            if kind != 'range':
                raise ValueError('%s needs a range in %r' % (name, self.text))
            out = Vector()
            for key in self._select(samples, selector[1]):
                value = _extrapolated_delta(samples.series[key], t, window, name == 'rate')
                if value is not None:
                    out[_without_name(key)] = value
            return out
        if name == 'histogram_quantile':
            q = self._eval(args[0], samples, t)
            return _histogram_quantile(q, self._eval(args[1], samples, t))
        raise ValueError('unknown function %s in %r' % (name, self.text))


def _matches(value, op, want):
    if op == '=':
        return value == want
    if op == '!=':
        return value != want
    if op == '=~':
        return re.fullmatch(want, value) is not None
    if op == '!~':
        return re.fullmatch(want, value) is None
    raise ValueError('unknown matcher %s' % op)


def _last_at(ts, t):
    """Index of the last sample at or before t, -1 when none (binary search)."""
    lo, hi = 0, len(ts)
    while lo < hi:
        mid = (lo + hi) // 2
        if ts[mid] <= t:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


def _without_name(key):
    return tuple(kv for kv in key if kv[0] != '__name__')


def _extrapolated_delta(series, t, window, per_second):
    """Prometheus's rate()/increase(): last minus first sample in (t - window, t], counter resets added back,
    extrapolated towards the window's edges (not below zero) as Prometheus does; NaN when a sample at either end is."""
    ts, vs = series
    end = _last_at(ts, t)
    points = []
    i = end
    while i >= 0 and ts[i] > t - window:
        if vs[i] is not STALE:
            points.append((ts[i], vs[i]))
        i -= 1
    points.reverse()
    if len(points) < 2:
        return None
    first_t, first_v = points[0]
    last_t = points[-1][0]
    delta, previous = points[-1][1] - first_v, first_v
    for _, v in points[1:]:
        if v < previous:
            delta += previous
        previous = v
    sampled = last_t - first_t
    to_start, to_end = first_t - (t - window), t - last_t
    average = sampled / (len(points) - 1)
    if delta > 0 and first_v >= 0:
        to_start = min(to_start, sampled * (first_v / delta))
    threshold = average * 1.1
    interval = sampled + (to_start if to_start < threshold else average / 2) \
        + (to_end if to_end < threshold else average / 2)
    delta *= interval / sampled
    return delta / window if per_second else delta


def _aggregate(op, grouping, vector):
    if not isinstance(vector, Vector):
        raise ValueError('%s of a scalar' % op)
    groups = {}
    for key, value in vector.items():
        labels = dict(key)
        if grouping is None:
            group = ()
        elif grouping[0] == 'by':
            group = tuple(sorted((k, labels[k]) for k in grouping[1] if k in labels))
        else:
            group = tuple(sorted((k, v) for k, v in labels.items() if k not in grouping[1] and k != '__name__'))
        groups.setdefault(group, []).append(value)
    reduce = {'sum': sum, 'min': min, 'max': max, 'count': len, 'avg': lambda v: sum(v) / len(v)}[op]
    return Vector((group, float(reduce(values))) for group, values in groups.items())


_ARITHMETIC = {'+': lambda a, b: a + b, '-': lambda a, b: a - b, '*': lambda a, b: a * b,
               '/': lambda a, b: a / b if b else (math.copysign(math.inf, a) if a and not math.isnan(a) else math.nan),
               '%': lambda a, b: math.fmod(a, b) if b else math.nan, '^': lambda a, b: a ** b}
_COMPARISON = {'==': lambda a, b: a == b, '!=': lambda a, b: a != b, '>': lambda a, b: a > b,
               '<': lambda a, b: a < b, '>=': lambda a, b: a >= b, '<=': lambda a, b: a <= b}


def _binary(op, left, right):
    if not isinstance(left, Vector) and not isinstance(right, Vector):
        return _ARITHMETIC[op](left, right) if op in _ARITHMETIC else float(_COMPARISON[op](left, right))
    if op in _COMPARISON:
        # a filter: the vector's samples for which the comparison holds, with their own value and name
        if isinstance(left, Vector) and isinstance(right, Vector):
            keys = {_without_name(k): v for k, v in right.items()}
            return Vector((k, v) for k, v in left.items()
                          if _without_name(k) in keys and _COMPARISON[op](v, keys[_without_name(k)]))
        if isinstance(left, Vector):
            return Vector((k, v) for k, v in left.items() if _COMPARISON[op](v, right))
        return Vector((k, v) for k, v in right.items() if _COMPARISON[op](left, v))
    apply = _ARITHMETIC[op]
    if isinstance(left, Vector) and isinstance(right, Vector):
        keys = {_without_name(k): v for k, v in right.items()}
        return Vector((_without_name(k), apply(v, keys[_without_name(k)])) for k, v in left.items()
                      if _without_name(k) in keys)
    if isinstance(left, Vector):
        return Vector((_without_name(k), apply(v, right)) for k, v in left.items())
    return Vector((_without_name(k), apply(left, v)) for k, v in right.items())


def _histogram_quantile(q, vector):
    """Prometheus's histogram_quantile over cumulative buckets grouped by every label but le."""
    groups = {}
    for key, value in vector.items():
        labels = dict(key)
        if 'le' not in labels:
            continue
        group = tuple(kv for kv in key if kv[0] not in ('le', '__name__'))
        groups.setdefault(group, []).append((float(labels['le']), value))
    out = Vector()
    for group, buckets in groups.items():
        buckets.sort()
        if len(buckets) < 2 or buckets[-1][0] != math.inf:
            out[group] = math.nan
            continue
        for i in range(1, len(buckets)):  # counts that fell from float error are made monotonic, as Prometheus does
            if buckets[i][1] < buckets[i - 1][1]:
                buckets[i] = (buckets[i][0], buckets[i - 1][1])
        total = buckets[-1][1]
        if total == 0 or math.isnan(total):
            out[group] = math.nan
            continue
        rank = q * total
        b = next(i for i, (_, count) in enumerate(buckets) if count >= rank)
        if b == len(buckets) - 1:
            out[group] = buckets[-2][0]
            continue
        lower, below = (0.0, 0.0) if b == 0 else (buckets[b - 1][0], buckets[b - 1][1])
        if b == 0 and buckets[0][0] <= 0:
            out[group] = buckets[0][0]
            continue
        upper, count = buckets[b][0], buckets[b][1] - below
        out[group] = lower + (upper - lower) * ((rank - below) / count) if count else upper
    return out


# ------------------------------------------------------------------------------------------------------------ values

def _number(v, decimals=None):
    if decimals is None:
        decimals = 0 if abs(v) >= 100 or v == int(v) else 1 if abs(v) >= 10 else 2
    return '%.*f' % (decimals, v)


def _scaled(v, steps, base, decimals):
    """v in the largest of steps (suffixes for base**0, base**1, ...) that keeps it at or above 1."""
    i = 0
    while i < len(steps) - 1 and abs(v) >= base ** (i + 1):
        i += 1
    return _number(v / base ** i, decimals) + steps[i]


def _seconds(v, decimals):
    a = abs(v)
    if a == 0:
        return '0 s'
    if a < 1e-3:
        return _number(v * 1e6, decimals) + ' µs'
    if a < 1:
        return _number(v * 1e3, decimals) + ' ms'
    if a < 60:
        return _number(v, decimals) + ' s'
    if a < 3600:
        return _number(v / 60, decimals) + ' min'
    if a < 86400:
        return _number(v / 3600, decimals) + ' hour'
    return _number(v / 86400, decimals) + ' day'


def _from_now(ms, now):
    ago = now - ms / 1000.0
    for size, name in ((86400, 'day'), (3600, 'hour'), (60, 'minute'), (1, 'second')):
        if abs(ago) >= size or size == 1:
            n = int(round(abs(ago) / size))
            return ('%d %s%s' % (n, name, '' if n == 1 else 's')) + (' ago' if ago >= 0 else ' from now')


def fmt(v, unit, decimals=None, now=None):
    """A value as Grafana shows it for the field's unit."""
    if v is None:
        return 'No data'
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return '+Inf' if v > 0 else '-Inf'
    if unit == 's':
        return _seconds(v, decimals)
    if unit == 'bytes':
        return _scaled(v, [' B', ' KiB', ' MiB', ' GiB', ' TiB', ' PiB'], 1024, decimals)
    if unit == 'Bps':
        return _scaled(v, [' B/s', ' kB/s', ' MB/s', ' GB/s', ' TB/s'], 1000, decimals)
    if unit in ('ops', 'rowsps'):
        return _scaled(v, ['', ' K', ' Mil', ' Bil'], 1000, decimals) + (' ops/s' if unit == 'ops' else ' rows/s')
    if unit == 'short':
        return _scaled(v, ['', ' K', ' Mil', ' Bil', ' Tri'], 1000, decimals)
    if unit == 'percentunit':
        return _number(v * 100, decimals) + '%'
    if unit == 'dateTimeFromNow':
        return _from_now(v, now)
    return _number(v, decimals)


# ------------------------------------------------------------------------------------------------------------ panels

class Frame:
    """The result of one target: named series of (t, value) points."""

    def __init__(self, name, labels, points):
        self.name, self.labels, self.points = name, labels, points

    def last(self):
        """Grafana's lastNotNull: the last value that is not missing (NaN counts as missing); NaN when every point
        is NaN, None when there is no point."""
        for _, v in reversed(self.points):
            if not math.isnan(v):
                return v
        return math.nan if self.points else None


def _legend(target, labels, expr):
    form = target.get('legendFormat')
    if form:
        return re.sub(r'\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}', lambda m: labels.get(m.group(1), ''), form)
    name = labels.get('__name__', '')
    rest = ', '.join('%s="%s"' % kv for kv in sorted(labels.items()) if kv[0] != '__name__')
    return (name + '{' + rest + '}') if rest else (name or expr)


def evaluate(panel, samples, task, steps):
    """Every target of the panel as Frames: over the steps, or at the last step for an instant target."""
    frames = []
    for target in panel.get('targets', []):
        expr = target['expr'].replace('$task', task).replace('${task}', task)
        query = Query(expr)
        times = steps[-1:] if target.get('instant') else steps
        series = {}
        for t in times:
            value = query.at(samples, t)
            if not isinstance(value, Vector):
                value = Vector({(): value})
            for key, v in value.items():
                series.setdefault(key, []).append((t, v))
        for key in sorted(series):
            labels = dict(key)
            frames.append(Frame(_legend(target, labels, expr), labels, series[key]))
    return frames


# --------------------------------------------------------------------------------------------------------------- SVG

BACKGROUND, PANEL, BORDER, TEXT, WEAK, GRIDLINE = '#111217', '#181b1f', '#2c3235', '#ccccdc', '#8e8e99', '#24272c'
PALETTE = ['#73bf69', '#f2cc0c', '#8ab8ff', '#ff780a', '#f2495c', '#5794f2', '#b877d9', '#705da0', '#37872d',
           '#fade2a', '#447ebc', '#c15c17']
NAMED = {'green': '#73bf69', 'red': '#f2495c', 'orange': '#ff9830', 'yellow': '#fade2a', 'blue': '#5794f2',
         'purple': '#b877d9', 'text': TEXT}
DEFAULT_THRESHOLDS = [{'color': 'green', 'value': None}, {'color': 'red', 'value': 80}]
FONT = "Inter, 'Helvetica Neue', Arial, sans-serif"


def _fit(text, size, width):
    """text, cut with an ellipsis to fit width."""
    if _width(text, size) <= width:
        return text
    keep = max(1, int(width / (size * 0.56)) - 1)
    return text[:keep].rstrip() + '…'


def _esc(text):
    return str(text).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('"', '&quot;')


def _width(text, size):
    """Rough width of text in the sans-serif font, for layout."""
    return len(text) * size * 0.56


class Svg:
    def __init__(self):
        self.parts = []

    def text(self, x, y, text, size=12, fill=TEXT, anchor='start', weight=None, clip=None):
        attrs = ' font-weight="%s"' % weight if weight else ''
        attrs += ' clip-path="url(#%s)"' % clip if clip else ''
        attrs += ' text-anchor="%s"' % anchor if anchor != 'start' else ''
        fill_attr = '' if fill == TEXT else ' fill="%s"' % fill
        self.parts.append('<text x="%.1f" y="%.1f" font-size="%.1f"%s%s>%s</text>'
                          % (x, y, size, fill_attr, attrs, _esc(text)))

    def rect(self, x, y, w, h, fill, stroke=None, rx=0, opacity=None):
        extra = ' stroke="%s"' % stroke if stroke else ''
        extra += ' rx="%g"' % rx if rx else ''
        extra += ' fill-opacity="%g"' % opacity if opacity is not None else ''
        self.parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"%s/>'
                          % (x, y, max(w, 0), max(h, 0), fill, extra))

    def line(self, x1, y1, x2, y2, stroke, width=1):
        self.parts.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%g"/>'
                          % (x1, y1, x2, y2, stroke, width))

    def path(self, runs, stroke, width=1.5, fill=None, opacity=None):
        """Polylines through runs of points (one path, a gap between runs), in relative coordinates to stay small."""
        d = []
        for run in runs:
            x0, y0 = run[0]
            d.append('M%.1f %.1f' % (x0, y0))
            if len(run) == 1:
                d.append('h0.1')
            for x, y in run[1:]:
                d.append('l%.1f %.1f' % (x - x0, y - y0))
                x0, y0 = x0 + float('%.1f' % (x - x0)), y0 + float('%.1f' % (y - y0))
            if fill:
                d.append('V%.1fH%.1fZ' % (fill, run[0][0]))
        style = ' fill="%s" fill-opacity="%g" stroke="none"' % (stroke, opacity) if fill else \
            ' fill="none" stroke="%s" stroke-width="%g" stroke-linejoin="round"' % (stroke, width)
        self.parts.append('<path d="%s"%s/>' % (''.join(d), style))

    def clip(self, name, x, y, w, h):
        self.parts.append('<clipPath id="%s"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/></clipPath>'
                          % (name, x, y, w, h))


def _field(panel, name):
    """The panel's field config for the series called name: the defaults with the overrides that match it."""
    config = panel.get('fieldConfig', {})
    field = dict(config.get('defaults', {}))
    for override in config.get('overrides', []):
        matcher = override.get('matcher', {})
        if matcher.get('id') == 'byName' and matcher.get('options') == name:
            for prop in override.get('properties', []):
                field[prop['id']] = prop['value']
    return field


def _color(value, field):
    if field.get('color', {}).get('mode') == 'fixed':
        fixed = field['color'].get('fixedColor', 'text')
        return NAMED.get(fixed, fixed), _mapped(value, field)[1]
    color, text = _mapped(value, field)
    if color:
        return color, text
    steps = field.get('thresholds', {}).get('steps', DEFAULT_THRESHOLDS)
    color = steps[0]['color']
    for step in steps[1:]:
        if value is not None and not math.isnan(value) and value >= step['value']:
            color = step['color']
    return NAMED.get(color, color), None


def _mapped(value, field):
    """The (color, text) a value mapping gives the value, (None, None) when none does."""
    for mapping in field.get('mappings', []):
        if mapping.get('type') == 'value' and value is not None and not math.isnan(value):
            hit = mapping['options'].get(_number(value, 0) if value == int(value) else str(value))
            if hit:
                return NAMED.get(hit.get('color'), hit.get('color')), hit.get('text')
    return None, None


def _nice_step(span, count):
    raw = span / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def _time_label(t, step):
    return time.strftime('%H:%M:%S' if step < 60 else '%H:%M', time.gmtime(t))


def draw_timeseries(svg, panel, frames, box, t0, t1, clip_id):
    x, y, w, h = box
    field = panel.get('fieldConfig', {}).get('defaults', {})
    unit, decimals = field.get('unit'), field.get('decimals')
    finite = [v for f in frames for _, v in f.points if not math.isnan(v) and not math.isinf(v)]
    if not finite:
        svg.text(x + w / 2, y + h / 2, 'No data', 14, WEAK, 'middle')
        return
    # the legend at the bottom, as Grafana's list legend: items flow into lines
    lines, line, used = [], [], 0
    for i, frame in enumerate(frames):
        need = 16 + _width(frame.name, 12) + 14
        if line and used + need > w - 8:
            lines.append(line)
            line, used = [], 0
        line.append((i, frame, used))
        used += need
    lines.append(line)
    legend_h = 18 * len(lines) + 4
    low, high = min(min(finite), 0.0), max(finite)
    if high == low:
        high = low + 1
    # bytes tick at round binary sizes (512 KiB, 1 MiB, 1.5 MiB), as Grafana's axes in bytes
    base = 1024 ** int(math.log(high - low, 1024)) if unit == 'bytes' and high - low >= 1024 else 1
    tick = _nice_step((high - low) / base, max(2, int((h - legend_h) / 40))) * base
    high = math.ceil(high / tick - 1e-9) * tick
    values = []
    v = math.floor(low / tick + 1e-9) * tick
    while v <= high + tick * 1e-9:
        values.append(0.0 if abs(v) < tick * 1e-9 else v)
        v += tick
    labels = [(v, text) for v, text in zip(values, _axis_labels(values, unit))]
    low = labels[0][0]
    axis_w = max(_width(text, 11) for _, text in labels) + 10
    px, py, pw, ph = x + axis_w, y + 4, w - axis_w - 8, h - legend_h - 22
    sx = lambda t: px + (t - t0) / (t1 - t0) * pw if t1 > t0 else px
    sy = lambda value: py + ph - (value - low) / (high - low) * ph
    for value, text in labels:
        svg.line(px, sy(value), px + pw, sy(value), GRIDLINE)
        svg.text(px - 6, sy(value) + 4, text, 11, WEAK, 'end')
    tstep = next(s for s in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600)
                 if (t1 - t0) / s <= max(2, pw / 80) or s == 21600)
    t = math.ceil(t0 / tstep) * tstep
    while t <= t1:
        svg.line(sx(t), py, sx(t), py + ph, GRIDLINE)
        svg.text(sx(t), py + ph + 15, _time_label(t, tstep), 11, WEAK, 'middle')
        t += tstep
    for i, frame in enumerate(frames):
        color = PALETTE[i % len(PALETTE)]
        runs, run = [], []
        for t, value in frame.points:
            if math.isnan(value) or math.isinf(value):
                if run:
                    runs.append(run)
                run = []
                continue
            run.append((sx(t), sy(value)))
        if run:
            runs.append(run)
        runs = [_thin(r) for r in runs]
        if runs:
            svg.parts.append('<g clip-path="url(#%s)">' % clip_id)
            svg.path(runs, color)
            svg.parts.append('</g>')
    ly = py + ph + 24
    for line in lines:
        for i, frame, offset in line:
            color = PALETTE[i % len(PALETTE)]
            svg.rect(x + 6 + offset, ly + 5, 14, 4, color, rx=1)
            svg.text(x + 6 + offset + 18, ly + 11, frame.name, 12, TEXT)
        ly += 18


def _axis_labels(values, unit):
    """Tick labels with the fewest decimals that lose nothing (as Grafana's axes: 0, 500, 1 K, 1.5 K)."""
    strip = lambda text: re.sub(r'\.(\d*?)0+(?=\D|$)', lambda m: '.' + m.group(1) if m.group(1) else '', text)
    for decimals in range(0, 4):
        texts = [fmt(v, unit, decimals) for v in values]
        if [strip(fmt(v, unit, decimals + 1)) for v in values] == [strip(t) for t in texts]:
            return [strip(t) for t in texts]
    return [fmt(v, unit) for v in values]


def _thin(run):
    """The run without the points in the middle of a level stretch, which draw nothing of their own."""
    if len(run) < 3:
        return run
    kept = [run[0]]
    for i in range(1, len(run) - 1):
        if not (abs(run[i][1] - run[i - 1][1]) < 0.05 and abs(run[i][1] - run[i + 1][1]) < 0.05):
            kept.append(run[i])
    kept.append(run[-1])
    return kept


def draw_stat(svg, panel, frames, box, now):
    x, y, w, h = box
    if not frames:
        svg.text(x + w / 2, y + h / 2, 'No data', 14, WEAK, 'middle')
        return
    options = panel.get('options', {})
    mode = options.get('textMode', 'auto')
    background = options.get('colorMode', 'value') == 'background'
    sparkline = options.get('graphMode', 'area') == 'area'
    gap = 6
    horizontal = w >= h
    n = len(frames)
    tw = (w - gap * (n - 1)) / n if horizontal else w
    th = h if horizontal else (h - gap * (n - 1)) / n
    for i, frame in enumerate(frames):
        tx = x + i * (tw + gap) if horizontal else x
        ty = y if horizontal else y + i * (th + gap)
        value = frame.last()
        field = _field(panel, frame.name)
        color, mapped = _color(value, field)
        text = mapped or fmt(value, field.get('unit'), field.get('decimals'), now)
        name = frame.name
        if mode == 'name':
            main, title = name, None
        elif mode == 'value' or (mode == 'auto' and n == 1):
            main, title = text, None
        else:
            main, title = text, name
        if background:
            svg.rect(tx, ty, tw, th, color, rx=3)
        values = [(t, v) for t, v in frame.points if not math.isnan(v)]
        if sparkline and len(values) > 1:
            lo = min(v for _, v in values)
            hi = max(v for _, v in values)
            t0, t1 = frame.points[0][0], frame.points[-1][0]
            top, bottom = ty + th * 0.55, ty + th - 2
            pts = [(tx + (t - t0) / ((t1 - t0) or 1) * tw,
                    bottom - ((v - lo) / (hi - lo) if hi > lo else 0.5) * (bottom - top)) for t, v in values]
            pts = _thin(pts)
            spark = '#ffffff' if background else color
            svg.path([pts], spark, fill=bottom, opacity=0.18)
            svg.path([pts], spark, width=1)
        fill = '#ffffff' if background else color
        size = min(th * (0.38 if title else 0.5), tw / max(len(main), 1) / 0.6, 48)
        cy = ty + th / 2 + size * 0.35
        if title:
            tsize = min(14, size * 0.45, tw / max(len(title), 1) / 0.6)
            svg.text(tx + tw / 2, ty + th / 2 - size * 0.55, title, tsize, TEXT, 'middle')
            cy = ty + th / 2 + size * 0.6
        svg.text(tx + tw / 2, cy, main, size, fill, 'middle', weight=500)


def draw_bargauge(svg, panel, frames, box, now):
    x, y, w, h = box
    if not frames:
        svg.text(x + w / 2, y + h / 2, 'No data', 14, WEAK, 'middle')
        return
    field = panel.get('fieldConfig', {}).get('defaults', {})
    unit = field.get('unit')
    values = [f.last() for f in frames]
    finite = [v for v in values if v is not None and not math.isnan(v)]
    top = field.get('max', 1.0 if unit == 'percentunit' else max(finite + [1.0]))
    bottom = field.get('min', 0.0)
    n = len(frames)
    row = min(h / n, 48)
    name_w = min(max(_width(f.name, 12) for f in frames) + 10, w * 0.45)
    value_w = max(_width(fmt(v, unit, field.get('decimals'), now), 16) for v in values) + 18
    for i, (frame, value) in enumerate(zip(frames, values)):
        ry = y + i * row + (h - n * row) / 2
        bh = row * 0.7
        svg.text(x + name_w - 8, ry + row / 2 + 4, frame.name, 12, TEXT, 'end')
        bw = w - name_w - value_w
        svg.rect(x + name_w, ry + (row - bh) / 2, bw, bh, '#ffffff', rx=2, opacity=0.06)
        color, _ = _color(value, _field(panel, frame.name))
        share = 0 if value is None or math.isnan(value) else max(0.0, min(1.0, (value - bottom) / (top - bottom)))
        svg.rect(x + name_w, ry + (row - bh) / 2, bw * share, bh, color, rx=2, opacity=0.85)
        svg.text(x + w - 4, ry + row / 2 + 6, fmt(value, unit, field.get('decimals'), now), min(16, bh), color, 'end',
                 weight=500)


def draw_table(svg, panel, frames, box, now):
    """The table after the dashboard's labelsToFields (valueLabel __name__) and merge: one row per label set, a
    column per label and per metric."""
    x, y, w, h = box
    if not frames:
        svg.text(x + w / 2, y + h / 2, 'No data', 14, WEAK, 'middle')
        return
    rows, names, label_names = {}, [], []
    for frame in frames:
        labels = {k: v for k, v in frame.labels.items() if k != '__name__'}
        key = tuple(sorted(labels.items()))
        name = frame.labels.get('__name__', frame.name)
        if name not in names:
            names.append(name)
        for k in labels:
            if k not in label_names:
                label_names.append(k)
        rows.setdefault(key, {}).update(labels, **{name: frame.last()})
    label_names.sort(key=lambda k: (k != 'table', k))
    columns = label_names + names
    widths = [max([_width(c, 12)] + [_width(str(r.get(c) if c in label_names else fmt(r.get(c), None)), 12)
                                     for r in rows.values()]) + 16 for c in columns]
    scale = min(1.0, w / sum(widths))
    widths = [cw * scale for cw in widths]
    line_h = 24
    cx = x
    svg.rect(x, y, w, line_h, '#22252b')
    for c, cw in zip(columns, widths):
        svg.text(cx + 6, y + 16, c, 12, '#6e9fff', weight=500)
        cx += cw
    for i, r in enumerate(sorted(rows.values(), key=lambda r: tuple(str(r.get(k, '')) for k in label_names))):
        ry = y + line_h * (i + 1)
        if ry + line_h > y + h:
            break
        svg.line(x, ry, x + w, ry, BORDER)
        cx = x
        for c, cw in zip(columns, widths):
            text = r.get(c, '') if c in label_names else fmt(r.get(c), None)
            svg.text(cx + 6, ry + 16, text, 12, TEXT)
            cx += cw


# ------------------------------------------------------------------------------------------------------------ layout

GRID_HEIGHT, MARGIN, PAD, HEADER = 30, 8, 10, 56


def render(samples_path, out, dashboard_path, task, width):
    with open(dashboard_path) as f:
        dashboard = json.load(f)
    samples = Samples.load(samples_path)
    if len(samples.times) < 2:
        raise SystemExit('%s holds %d scrapes: nothing to draw' % (samples_path, len(samples.times)))
    if task is None:
        tasks = sorted({dict(k).get('task') for k in samples.by_name.get('godwit_phase', [])} - {None})
        if len(tasks) != 1:
            raise SystemExit('the samples hold tasks %s: name one with --task' % tasks)
        task = tasks[0]
    t0, t1 = samples.times[0], samples.times[-1]
    step = max(1.0, (t1 - t0) / 400)
    steps = [t0 + i * step for i in range(int((t1 - t0) / step) + 1)]
    if steps[-1] < t1:
        steps.append(t1)
    column = (width - 2 * PAD + MARGIN) / 24.0
    bottom = max(p['gridPos']['y'] + p['gridPos']['h'] for p in dashboard['panels'])
    height = HEADER + bottom * (GRID_HEIGHT + MARGIN) + PAD
    svg = Svg()
    svg.rect(0, 0, width, height, BACKGROUND)
    svg.text(PAD + 2, 26, dashboard.get('title', ''), 20, TEXT, weight=500)
    svg.text(PAD + 2, 46, 'task: %s    %s – %s UTC (%s), scraped every %gs'
             % (task, time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(t0)), time.strftime('%H:%M:%S', time.gmtime(t1)),
                _seconds(t1 - t0, 1), round((t1 - t0) / (len(samples.times) - 1), 1)), 12, WEAK)
    svg.text(width - PAD - 2, 46, 'drawn by scripts/dashboard-picture.py from a real run (not a Grafana screenshot)',
             12, WEAK, 'end')
    for n, panel in enumerate(dashboard['panels']):
        g = panel['gridPos']
        x = PAD + g['x'] * column
        y = HEADER + g['y'] * (GRID_HEIGHT + MARGIN)
        w = g['w'] * column - MARGIN
        h = g['h'] * (GRID_HEIGHT + MARGIN) - MARGIN
        if panel['type'] == 'row':
            svg.text(x + 2, y + 21, '▾ ' + panel.get('title', ''), 16, TEXT, weight=500)
            continue
        svg.rect(x, y, w, h, PANEL, BORDER, rx=2)
        clip = 'p%d' % n
        svg.clip(clip, x, y, w, h)
        svg.text(x + 8, y + 20, _fit(panel.get('title', ''), 14, w - 16), 14, TEXT, weight=500)
        frames = evaluate(panel, samples, task, steps)
        body = (x + 8, y + 30, w - 16, h - 38)
        if panel['type'] == 'timeseries':
            draw_timeseries(svg, panel, frames, body, t0, t1, clip)
        elif panel['type'] == 'stat':
            draw_stat(svg, panel, frames, body, t1)
        elif panel['type'] == 'bargauge':
            draw_bargauge(svg, panel, frames, body, t1)
        elif panel['type'] == 'table':
            draw_table(svg, panel, frames, body, t1)
        else:
            raise SystemExit('panel type %s is not drawn' % panel['type'])
    with open(out, 'w') as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
                'font-family="%s" fill="%s">\n' % (width, height, width, height, FONT.replace('"', "'"), TEXT))
        f.write('\n'.join(svg.parts))
        f.write('\n</svg>\n')
    print('%s: %d panels, %d bytes' % (out, len(dashboard['panels']), os.path.getsize(out)), file=sys.stderr)


# -------------------------------------------------------------------------------------------------------------- main

def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    commands = parser.add_subparsers(dest='command', required=True)
    rec = commands.add_parser('record', help='scrape a godwit /metrics endpoint every second into a samples file')
    rec.add_argument('url')
    rec.add_argument('samples')
    rec.add_argument('--interval', type=float, default=1.0)
    rec.add_argument('--until', help='stop once this file exists')
    ren = commands.add_parser('render', help='draw the dashboard from a samples file as SVG')
    ren.add_argument('samples')
    ren.add_argument('out')
    ren.add_argument('--dashboard', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'docs',
                                                        'grafana-dashboard.json'))
    ren.add_argument('--task')
    ren.add_argument('--width', type=int, default=1600)
    args = parser.parse_args(argv)
    if args.command == 'record':
        record(args.url, args.samples, args.interval, args.until)
    else:
        render(args.samples, args.out, args.dashboard, args.task, args.width)


if __name__ == '__main__':
    main(sys.argv[1:])
