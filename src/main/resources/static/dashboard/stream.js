// Server-sent events over fetch, so the API key can travel in a header (EventSource cannot send one).

const KEY = 'procpool.apiKey';

export function apiKey() {
  return sessionStorage.getItem(KEY) || '';
}

export function setApiKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function headers(extra = {}) {
  const h = { ...extra };
  const key = apiKey();
  if (key) h['X-API-Key'] = key;
  return h;
}

/** Calls the API; rejects with the problem's detail when it answers with an error. */
export async function call(method, path) {
  const res = await fetch(path, { method, headers: headers({ Accept: 'application/json' }) });
  if (!res.ok) {
    let detail = `HTTP ${res.status}`;
    try { detail = (await res.json()).detail || detail; } catch { /* not JSON */ }
    throw new Error(detail);
  }
  return res.status === 204 ? null : res.json();
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

/**
 * Reads a text/event-stream at `url` and calls onEvent(name, data) for each event, reconnecting
 * (1 s, doubling to 5 s) when the stream ends or fails. onState(state, detail) is told of
 * live / reconnecting / unreachable / unauthorized. A stream silent for `silenceMs` counts as lost.
 * Returns a function that stops it.
 */
export function follow(url, { onEvent, onState = () => {}, reconnect = true, silenceMs = 40000 }) {
  let stopped = false;
  let controller = null;
  let wakeKey = null;
  (async () => {
    let backoff = 1000;
    while (!stopped) {
      controller = new AbortController();
      let watchdog = null;
      const kick = () => { clearTimeout(watchdog); watchdog = setTimeout(() => controller.abort(), silenceMs); };
      try {
        const res = await fetch(url, { headers: headers({ Accept: 'text/event-stream' }), signal: controller.signal, cache: 'no-store' });
        if (res.status === 401) {
          onState('unauthorized', apiKey() ? 'refused' : 'missing');
          await new Promise(r => { wakeKey = r; });
          continue;
        }
        if (!res.ok) {
          let detail = `HTTP ${res.status}`;
          try { detail = (await res.json()).detail || detail; } catch { /* not JSON */ }
          throw new Error(detail);
        }
        onState('live');
        backoff = 1000;
        kick();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          kick();
          buffer += value.replace(/\r\n?/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end), onEvent);
            buffer = buffer.slice(end + 2);
          }
        }
        if (!reconnect) return;
        onState('reconnecting');
      } catch (e) {
        if (stopped) return;
        if (!reconnect) { onState('unreachable', e.message); return; }
        onState('unreachable', e.name === 'AbortError' ? 'no data for ' + silenceMs / 1000 + ' s' : e.message);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      } finally {
        clearTimeout(watchdog);
      }
    }
  })();
  const stop = () => { stopped = true; if (controller) controller.abort(); if (wakeKey) wakeKey(); };
  stop.retry = () => { if (wakeKey) { const w = wakeKey; wakeKey = null; w(); } };
  return stop;
}

function dispatch(block, onEvent) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length) onEvent(name, data.join('\n'));
}
