// The catalogue page: plain ES module, no framework, no build step. All data is written with
// textContent, never parsed as markup, so nothing from the tables can inject HTML.
const PAGE_SIZE = 100;

const els = {
  categories: document.getElementById('categories'),
  resources: document.getElementById('resources'),
  filter: document.getElementById('filter'),
  status: document.getElementById('status'),
  heading: document.getElementById('resources-heading'),
};

/** Currently shown resources, each with its bookmarks, for the filter to narrow. */
let current = [];
let loadSeq = 0;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'className') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.detail || `${res.status} ${res.statusText}`);
  return body;
}

/** Follows nextCursor until the listing is complete. */
async function getAll(path) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${path}${sep}limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await getJson(url);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

function safeHref(url) {
  try {
    const u = new URL(String(url));
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function renderCategories(categories) {
  els.categories.replaceChildren(
    ...categories.map((c) => {
      const button = el(
        'button',
        { type: 'button', 'aria-pressed': 'false', 'data-id': c.id },
        document.createTextNode(c.name ?? c.id),
        c.description ? el('span', { className: 'description', text: c.description }) : null,
      );
      button.addEventListener('click', () => selectCategory(c));
      return el('li', {}, button);
    }),
  );
}

function renderResource(r) {
  const href = safeHref(r.url);
  const title = href ? el('a', { href, rel: 'noopener noreferrer', text: r.title ?? r.id }) : document.createTextNode(r.title ?? r.id);
  const meta = [r.publishedOn && `published ${r.publishedOn}`, typeof r.rating === 'number' && `rating ${r.rating}`].filter(Boolean).join(' · ');
  const tags = Array.isArray(r.tags) && r.tags.length ? el('p', { className: 'tags', 'aria-label': 'tags' }, ...r.tags.map((t) => el('span', { text: t }))) : null;
  const bookmarks = r.bookmarks.length
    ? el(
        'ul',
        { className: 'bookmarks', 'aria-label': `bookmarks of ${r.title ?? r.id}` },
        ...r.bookmarks.map((b) => el('li', { text: `${b.userName ?? 'someone'}${b.note ? `: ${b.note}` : ''}` })),
      )
    : el('p', { className: 'meta', text: 'No bookmarks yet.' });
  return el(
    'li',
    { 'data-id': r.id },
    el('h3', {}, title),
    r.description ? el('p', { text: r.description }) : null,
    meta ? el('p', { className: 'meta', text: meta }) : null,
    tags,
    bookmarks,
  );
}

function matches(r, needle) {
  if (!needle) return true;
  const hay = [r.title, r.description, ...(Array.isArray(r.tags) ? r.tags : [])].join(' ').toLowerCase();
  return hay.includes(needle);
}

function applyFilter() {
  const needle = els.filter.value.trim().toLowerCase();
  const shown = current.filter((r) => matches(r, needle));
  els.resources.replaceChildren(...shown.map(renderResource));
  els.status.textContent = needle ? `${shown.length} of ${current.length} resources match “${els.filter.value.trim()}”.` : `${current.length} resources.`;
}

async function selectCategory(category) {
  const seq = ++loadSeq;
  for (const b of els.categories.querySelectorAll('button')) {
    b.setAttribute('aria-pressed', String(b.dataset.id === category.id));
  }
  history.replaceState(null, '', `#category=${encodeURIComponent(category.id)}`);
  els.heading.textContent = `Resources in ${category.name ?? category.id}`;
  els.status.textContent = 'Loading resources…';
  try {
    const resources = await getAll(`/api/resources?category=${encodeURIComponent(category.id)}`);
    const withBookmarks = await Promise.all(
      resources.map(async (r) => ({
        ...r,
        bookmarks: await getAll(`/api/bookmarks?resource=${encodeURIComponent(r.id)}`),
      })),
    );
    if (seq !== loadSeq) return; // a later click won
    current = withBookmarks;
    els.filter.disabled = false;
    applyFilter();
  } catch (err) {
    if (seq === loadSeq) els.status.textContent = `Could not load resources: ${err.message}`;
  }
}

async function start() {
  els.filter.addEventListener('input', applyFilter);
  try {
    const { items } = await getJson('/api/categories');
    renderCategories(items);
    els.status.textContent = items.length ? 'Choose a category.' : 'No categories yet.';
    const wanted = new URLSearchParams(location.hash.slice(1)).get('category');
    const initial = items.find((c) => c.id === wanted);
    if (initial) await selectCategory(initial);
  } catch (err) {
    els.status.textContent = `Could not load categories: ${err.message}`;
  }
}

start();
