// Gives a freshly bootstrapped, running CairnCMS instance the content an admin builds over time, through its
// real REST API, as that admin: five collections with fields of several types and relations (many-to-one,
// files, a many-to-many articles.tags through the junction collection articles_tags, and categories.parent, a
// many-to-one to its own collection with rows filed under a later one), items, a
// folder, uploaded files (their directus_files rows and their bytes on disk), a thumbnail the server caches
// beside its original, a custom role with permissions and a second user. Run by src/test/lab/cairncms.sh
// with the lab's Node 22 (global fetch, FormData, Blob); settings come from the environment (no secret on a
// command line):
//   CAIRN_NAME, CAIRN_URL, CAIRN_ADMIN_EMAIL, CAIRN_ADMIN_PASSWORD, CAIRN_EDITOR_EMAIL, CAIRN_EDITOR_PASSWORD,
//   CAIRN_STORAGE_ROOTS ("local=/abs/root;archive=/abs/root"), CAIRN_BINARY_STORAGE (the location of the binary)
// Prints lab.properties lines (cairn.NAME.content.*) on stdout, its progress on stderr. The bytes of
// lost-scan.pdf are then removed by the lab (content.files.missing.path) so that one row has none.
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

const env = (name) => {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set`);
	return value;
};
const name = env('CAIRN_NAME');
const base = env('CAIRN_URL').replace(/\/$/, '');
const roots = Object.fromEntries(env('CAIRN_STORAGE_ROOTS').split(';').map((pair) => pair.split('=')));
const binaryStorage = env('CAIRN_BINARY_STORAGE');
const say = (line) => process.stderr.write(`[populate ${name}] ${line}\n`);

let token = null;

async function api(method, path, body, { form = false, raw = false } = {}) {
	const headers = token ? { Authorization: `Bearer ${token}` } : {};
	let payload;
	if (form) {
		payload = body;
	} else if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
		payload = JSON.stringify(body);
	}
	const response = await fetch(base + path, { method, headers, body: payload });
	if (raw) {
		if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
		return Buffer.from(await response.arrayBuffer());
	}
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
	return text ? JSON.parse(text).data : null;
}

// ---- sign in as the bootstrap's admin
async function signIn(email, password) {
	const response = await fetch(`${base}/auth/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ email, password }),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`sign-in of ${email}: HTTP ${response.status} ${text}`);
	return JSON.parse(text).data.access_token;
}
token = await signIn(env('CAIRN_ADMIN_EMAIL'), env('CAIRN_ADMIN_PASSWORD'));
say('signed in as the admin');

// ---- the data model: every field with its meta, as the admin app sends them
const field = (name, type, meta = {}, schema = undefined) => ({ field: name, type, meta: { interface: 'input', ...meta }, ...(schema ? { schema } : {}) });
await api('POST', '/collections', {
	collection: 'authors',
	meta: { icon: 'person', note: 'People who write articles', display_template: '{{name}}' },
	schema: {},
	fields: [
		field('id', 'integer', { hidden: true, readonly: true }, { is_primary_key: true, has_auto_increment: true }),
		field('name', 'string', { required: true }, { is_nullable: false }),
		field('email', 'string', {}, { is_unique: true }),
		field('bio', 'text', { interface: 'input-multiline' }),
		field('active', 'boolean', { interface: 'boolean', special: ['cast-boolean'] }, { default_value: true }),
	],
});
await api('POST', '/collections', {
	collection: 'articles',
	meta: { icon: 'article', note: 'Published and draft articles', sort_field: null },
	schema: {},
	fields: [
		field('id', 'uuid', { hidden: true, readonly: true, special: ['uuid'] }, { is_primary_key: true }),
		field('title', 'string', { required: true }),
		field('slug', 'string', {}, { is_unique: true }),
		field('body', 'text', { interface: 'input-rich-text-md' }),
		field('word_count', 'integer'),
		field('published', 'boolean', { interface: 'boolean', special: ['cast-boolean'] }, { default_value: false }),
		field('metadata', 'json', { interface: 'input-code', special: ['cast-json'] }),
		field('published_at', 'timestamp', { interface: 'datetime' }),
		field('date_created', 'timestamp', { interface: 'datetime', readonly: true, special: ['date-created'] }),
		field('author', 'integer', { interface: 'select-dropdown-m2o', special: ['m2o'] }),
		field('cover', 'uuid', { interface: 'file-image', special: ['file'] }),
	],
});
await api('POST', '/collections', {
	collection: 'comments',
	meta: { icon: 'comment' },
	schema: {},
	fields: [
		field('id', 'integer', { hidden: true, readonly: true }, { is_primary_key: true, has_auto_increment: true }),
		field('article', 'uuid', { interface: 'select-dropdown-m2o', special: ['m2o'] }),
		field('body', 'text', { interface: 'input-multiline' }),
		field('approved', 'boolean', { interface: 'boolean', special: ['cast-boolean'] }, { default_value: false }),
		field('posted_at', 'timestamp', { interface: 'datetime' }),
	],
});
await api('POST', '/relations', { collection: 'articles', field: 'author', related_collection: 'authors', schema: { on_delete: 'SET NULL' } });
await api('POST', '/relations', { collection: 'articles', field: 'cover', related_collection: 'directus_files', schema: { on_delete: 'SET NULL' } });
await api('POST', '/relations', { collection: 'comments', field: 'article', related_collection: 'articles', schema: { on_delete: 'CASCADE' } });
// a many-to-many, as the admin app makes one: the related collection, a hidden junction collection with a
// field per side, the alias field on articles, and two relations, each naming the other as its junction_field
await api('POST', '/collections', {
	collection: 'tags',
	meta: { icon: 'label', display_template: '{{name}}' },
	schema: {},
	fields: [
		field('id', 'integer', { hidden: true, readonly: true }, { is_primary_key: true, has_auto_increment: true }),
		field('name', 'string', { required: true }, { is_nullable: false, is_unique: true }),
	],
});
await api('POST', '/collections', {
	collection: 'articles_tags',
	meta: { hidden: true, icon: 'import_export' },
	schema: {},
	fields: [field('id', 'integer', { hidden: true }, { is_primary_key: true, has_auto_increment: true })],
});
await api('POST', '/fields/articles_tags', field('articles_id', 'uuid', { hidden: true }));
await api('POST', '/fields/articles_tags', field('tags_id', 'integer', { hidden: true }));
await api('POST', '/fields/articles', { field: 'tags', type: 'alias', meta: { interface: 'list-m2m', special: ['m2m'] } });
await api('POST', '/relations', { collection: 'articles_tags', field: 'tags_id', related_collection: 'tags',
	meta: { one_field: null, sort_field: null, one_deselect_action: 'nullify', junction_field: 'articles_id' }, schema: { on_delete: 'SET NULL' } });
await api('POST', '/relations', { collection: 'articles_tags', field: 'articles_id', related_collection: 'articles',
	meta: { one_field: 'tags', sort_field: null, one_deselect_action: 'nullify', junction_field: 'tags_id' }, schema: { on_delete: 'SET NULL' } });
// a tree: categories.parent, a many-to-one to its own collection (as the app makes one: the field, then the relation)
await api('POST', '/collections', {
	collection: 'categories',
	meta: { icon: 'account_tree', display_template: '{{name}}' },
	schema: {},
	fields: [
		field('id', 'integer', { hidden: true, readonly: true }, { is_primary_key: true, has_auto_increment: true }),
		field('name', 'string', { required: true }, { is_nullable: false }),
		field('parent', 'integer', { interface: 'select-dropdown-m2o', special: ['m2o'] }),
	],
});
await api('POST', '/relations', { collection: 'categories', field: 'parent', related_collection: 'categories', schema: { on_delete: 'SET NULL' } });
say('collections authors, articles, comments, tags, categories, the junction articles_tags and 6 relations created');

// ---- files: uploaded as the admin app does (multipart, fields before the file)
function png(width, height) {
	const rows = [];
	for (let y = 0; y < height; y++) {
		const row = Buffer.alloc(1 + width * 3);
		for (let x = 0; x < width; x++) {
			row[1 + x * 3] = (x * 4) & 0xff;
			row[2 + x * 3] = (y * 5) & 0xff;
			row[3 + x * 3] = ((x + y) * 3) & 0xff;
		}
		rows.push(row);
	}
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (buf) => {
		let c = 0xffffffff;
		for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type, data) => {
		const head = Buffer.alloc(4);
		head.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
		const tail = Buffer.alloc(4);
		tail.writeUInt32BE(crc(body));
		return Buffer.concat([head, body, tail]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr.set([8, 2, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(Buffer.concat(rows))),
		chunk('IEND', Buffer.alloc(0)),
	]);
}
function pdf(text) {
	const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	];
	let out = '%PDF-1.4\n';
	const offsets = [];
	objects.forEach((body, i) => {
		offsets.push(out.length);
		out += `${i + 1} 0 obj\n${body}\nendobj\n`;
	});
	const xref = out.length;
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}
function binary(size, seed) { // every byte value, no pattern a compressor could find: SHA-256 in counter mode
	const out = Buffer.alloc(size);
	for (let i = 0, n = 0; i < size; n++) {
		const block = createHash('sha256').update(`${seed}:${n}`).digest();
		i += block.copy(out, i);
	}
	return out;
}

const folder = await api('POST', '/folders', { name: 'Press kit' });
async function upload(filename, type, bytes, fields = {}) {
	const form = new FormData();
	for (const [key, value] of Object.entries(fields)) form.append(key, value);
	form.append('file', new Blob([bytes], { type }), filename);
	const file = await api('POST', '/files', form, { form: true });
	if (Number(file.filesize) !== bytes.length) throw new Error(`${filename}: filesize ${file.filesize}, sent ${bytes.length}`);
	return file;
}
const cover = await upload('cover.png', 'image/png', png(96, 64), { title: 'Cover picture', description: 'The front page picture' });
const brochure = await upload('brochure.pdf', 'application/pdf', pdf(`Lab brochure of ${name}`), { folder: folder.id });
const notes = await upload('notes.txt', 'text/plain', Buffer.from(`Notes of ${name}\nÜmlauts, accents (é), a check mark ✓ and a snowman ☃.\n`, 'utf8'), { tags: JSON.stringify(['lab', 'notes']) });
const data = await upload('dataset.bin', 'application/octet-stream', binary(256 * 1024, name), { storage: binaryStorage, title: 'Raw dataset' });
const lost = await upload('lost-scan.pdf', 'application/pdf', pdf('A scan whose bytes go missing'), { folder: folder.id, title: 'Lost scan' });
// a thumbnail: the server writes the transformed image beside the original, with no directus_files row of its own
const thumbnail = await api('GET', `/assets/${cover.id}?width=48&height=32&fit=cover&format=png`, undefined, { raw: true });
if (thumbnail.length === 0) throw new Error('empty thumbnail');
say(`5 files uploaded (${[cover, brochure, notes, data, lost].map((f) => `${f.filename_download} in ${f.storage}`).join(', ')}), a thumbnail cached`);

// ---- items
const authors = await api('POST', '/items/authors', [
	{ name: 'Ada Lovelace', email: 'ada@example.com', bio: 'Wrote the first published program.\nNotes on the Analytical Engine.', active: true },
	{ name: 'Alan Turing', email: 'alan@example.com', bio: 'On computable numbers.', active: false },
	{ name: 'Grace Hopper', email: 'grace@example.com', bio: null, active: true },
]);
const byName = Object.fromEntries(authors.map((a) => [a.name, a.id]));
const articles = await api('POST', '/items/articles', [
	{ title: 'Notes on the engine', slug: 'notes-on-the-engine', body: '# The engine\n\nIt weaves **algebraic** patterns — ü ✓', word_count: 1843, published: true,
		metadata: { tags: ['history', 'computing'], rating: 4.5, reviewed: true }, published_at: '2024-03-01T10:15:00Z', author: byName['Ada Lovelace'], cover: cover.id },
	{ title: 'Computable numbers', slug: 'computable-numbers', body: 'A number is computable if…', word_count: 2310, published: true,
		metadata: { tags: ['math'], rating: 5 }, published_at: '2024-04-12T08:00:00Z', author: byName['Alan Turing'] },
	{ title: 'Compilers for everyone', slug: 'compilers', body: 'Draft.', word_count: 420, published: false,
		metadata: null, published_at: null, author: byName['Grace Hopper'] },
	{ title: 'Untitled draft', slug: 'untitled', body: null, word_count: 0, published: false, metadata: { draft: true }, author: null },
]);
const article = Object.fromEntries(articles.map((a) => [a.slug, a.id]));
const tags = await api('POST', '/items/tags', [{ name: 'history' }, { name: 'math' }, { name: 'computing' }]);
const tag = Object.fromEntries(tags.map((t) => [t.name, t.id]));
// through the alias, as the app saves an article's tags: the API writes the junction rows
await api('PATCH', `/items/articles/${article['notes-on-the-engine']}`, { tags: [{ tags_id: tag.history }, { tags_id: tag.computing }] });
await api('PATCH', `/items/articles/${article['computable-numbers']}`, { tags: [{ tags_id: tag.math }, { tags_id: tag.computing }] });
const junction = await api('GET', '/items/articles_tags?fields=id,articles_id,tags_id&limit=-1');
if (junction.length !== 4) throw new Error(`${junction.length} articles_tags rows, not 4`);
const tagged = await api('GET', `/items/articles/${article['computable-numbers']}?fields=tags.tags_id.name`);
if (tagged.tags.map((t) => t.tags_id.name).sort().join(',') !== 'computing,math') throw new Error(`tags read back: ${JSON.stringify(tagged.tags)}`);
await api('POST', '/items/comments', [
	{ article: article['notes-on-the-engine'], body: 'Fascinating.', approved: true, posted_at: '2024-03-02T09:00:00Z' },
	{ article: article['notes-on-the-engine'], body: 'Is there a sequel?', approved: true, posted_at: '2024-03-03T11:30:00Z' },
	{ article: article['computable-numbers'], body: 'Hard but worth it.', approved: true, posted_at: '2024-04-13T17:45:00Z' },
	{ article: article['computable-numbers'], body: 'spam spam spam', approved: false, posted_at: '2024-04-14T03:12:00Z' },
	{ article: article['compilers'], body: 'Looking forward to it.', approved: false, posted_at: null },
]);
// categories made before the one they are filed under, then moved under it, as an editor reorganises a tree:
// Quicksort and Mergesort (1, 2) under Sorting (3), Sorting under Algorithms (4): three rows point at a later key
const categories = await api('POST', '/items/categories', [{ name: 'Quicksort' }, { name: 'Mergesort' }, { name: 'Sorting' },
	{ name: 'Algorithms' }, { name: 'History of computing' }]);
const category = Object.fromEntries(categories.map((c) => [c.name, c.id]));
await api('PATCH', `/items/categories/${category.Quicksort}`, { parent: category.Sorting });
await api('PATCH', `/items/categories/${category.Mergesort}`, { parent: category.Sorting });
await api('PATCH', `/items/categories/${category.Sorting}`, { parent: category.Algorithms });
await api('POST', '/items/categories', { name: 'Sorting networks', parent: category.Sorting });
const later = await api('GET', '/items/categories?fields=id,parent&filter[parent][_nnull]=true&limit=-1');
if (later.filter((c) => Number(c.parent) > Number(c.id)).length !== 3) throw new Error(`categories: ${JSON.stringify(later)}`);
say('3 authors, 4 articles (2 with 2 tags each: 4 junction rows), 3 tags, 5 comments, 6 categories (3 under a later one) created');

// ---- a custom role, its permissions and a second user
const role = await api('POST', '/roles', { name: 'Editor', icon: 'edit', description: 'Writes and edits articles', admin_access: false, app_access: true });
const permissions = await api('POST', '/permissions', [
	{ role: role.id, collection: 'articles', action: 'read', fields: ['*'], permissions: {} },
	{ role: role.id, collection: 'articles', action: 'create', fields: ['*'], presets: { published: false } },
	{ role: role.id, collection: 'articles', action: 'update', fields: ['title', 'slug', 'body', 'cover'], permissions: { published: { _eq: false } } },
	{ role: role.id, collection: 'authors', action: 'read', fields: ['id', 'name', 'bio'] },
	{ role: role.id, collection: 'comments', action: 'read', fields: ['*'], permissions: { approved: { _eq: true } } },
	{ role: role.id, collection: 'directus_files', action: 'read', fields: ['*'] },
	{ role: role.id, collection: 'directus_files', action: 'create', fields: ['*'], validation: { type: { _in: ['image/png', 'image/jpeg', 'application/pdf'] } } },
]);
// the answer lists the role's rows and, for a role with app access, the minimal app permissions the API adds
// to every read of such a role (no id, not stored)
const stored = permissions.filter((permission) => permission.id !== null && permission.id !== undefined);
if (stored.length !== 7) throw new Error(`${stored.length} permissions stored, not 7`);
const editor = await api('POST', '/users', {
	email: env('CAIRN_EDITOR_EMAIL'), password: env('CAIRN_EDITOR_PASSWORD'), role: role.id, first_name: 'Eddie', last_name: 'Editor',
});
// the editor signs in and sees the articles through the role's permissions
token = await signIn(env('CAIRN_EDITOR_EMAIL'), env('CAIRN_EDITOR_PASSWORD'));
const seen = await api('GET', '/items/articles?fields=id');
if (seen.length !== articles.length) throw new Error(`the editor reads ${seen.length} articles, not ${articles.length}`);
say(`role Editor (${stored.length} permissions stored) and user ${editor.email} created; the editor signs in`);

const p = `cairn.${name}.content`;
const lines = [
	`${p}.collections=authors,articles,comments,tags,articles_tags,categories`,
	`${p}.items.authors=${authors.length}`,
	`${p}.items.articles=${articles.length}`,
	`${p}.items.comments=5`,
	`${p}.items.tags=${tags.length}`,
	`${p}.items.articles_tags=${junction.length}`,
	`${p}.items.categories=${categories.length + 1}`,
	`${p}.role.editor.id=${role.id}`,
	`${p}.role.editor.permissions=${stored.length}`,
	`${p}.user.editor.id=${editor.id}`,
	`${p}.folder.id=${folder.id}`,
	`${p}.files=${[cover, brochure, notes, data, lost].map((f) => f.id).join(',')}`,
	`${p}.files.binary.id=${data.id}`,
	`${p}.files.binary.storage=${data.storage}`,
	`${p}.files.thumbnail.of=${cover.id}`,
	`${p}.files.missing.id=${lost.id}`,
	`${p}.files.missing.path=${roots[lost.storage]}/${lost.filename_disk}`,
];
process.stdout.write(lines.join('\n') + '\n');
