// The server's notifications in the header, as Prometheus 3's UI shows them: a bell with the number
// of active notifications and a menu listing them, kept current by /api/v1/notifications/live
// (server-sent events; the browser reconnects by itself when the stream ends).
import { pathPrefix } from './api.js';
import { h, replace } from './dom.js';
import { formatTime } from './format.js';

interface Notification {
  text: string;
  date: string;
  active: boolean;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

function bellIcon(): SVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute(
    'd',
    'M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z',
  );
  svg.append(path);
  return svg;
}

/** The header's notifications menu; it subscribes to the live stream at once. */
export function notificationsMenu(): HTMLElement {
  const active = new Map<string, Notification>();
  const count = h('span.notifications-count');
  const list = h('div.dropdown-menu.notifications-list');
  const button = h('button.nav-link.notifications-btn', { type: 'button', title: 'Notifications' });
  button.append(bellIcon(), count);
  const menu = h('div.dropdown.notifications', button, list);
  button.addEventListener('click', () => menu.classList.toggle('open'));
  const render = (): void => {
    const ns = [...active.values()];
    count.textContent = ns.length === 0 ? '' : String(ns.length);
    menu.classList.toggle('has-notifications', ns.length > 0);
    replace(
      list,
      ns.length === 0
        ? h('div.notification-empty', 'No notifications')
        : ns.map((n) =>
            h(
              'div.notification',
              h('div.notification-text', n.text),
              h('div.notification-date', formatTime(Date.parse(n.date))),
            ),
          ),
    );
  };
  render();
  const source = new EventSource(`${pathPrefix}/api/v1/notifications/live`);
  source.addEventListener('open', () => {
    // A (re)connected stream sends the active notifications first: start from none.
    active.clear();
    render();
  });
  source.addEventListener('message', (e: MessageEvent<string>) => {
    const n = JSON.parse(e.data) as Notification;
    if (n.active) active.set(n.text, n);
    else active.delete(n.text);
    render();
  });
  return menu;
}
