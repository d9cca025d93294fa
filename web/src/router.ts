import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routing: `#/timeline?region=SY09&actor=…`, `#/incidents/<id>?asOf=…`. The part after `#`
 * never reaches the server, so the page's paths cannot collide with the API's, and a copied
 * address holds the whole view (its filters included).
 */
export interface Route {
  path: string;
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#/, '');
  const [path = '', search = ''] = hash.split('?', 2) as [string?, string?];
  return { path: path || '/timeline', params: new URLSearchParams(search) };
}

export function href(path: string, params?: Record<string, string | number | undefined | null> | URLSearchParams): string {
  const search = params instanceof URLSearchParams ? params : new URLSearchParams();
  if (params && !(params instanceof URLSearchParams)) {
    for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export function navigate(path: string, params?: Record<string, string | number | undefined | null> | URLSearchParams, replace = false): void {
  const target = href(path, params);
  if (replace) {
    history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = target;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** The last timeline address, so "back to the timeline" keeps its filters. */
let lastTimeline = '#/timeline';
export const rememberTimeline = () => (lastTimeline = location.hash || '#/timeline');
export const timelineHref = () => lastTimeline;
