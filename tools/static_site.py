#!/usr/bin/env python
"""The docs site without Quarto: nbdev's processed notebooks (`_proc/`) as plain HTML pages with a sidebar.

`make docs` renders the site with Quarto (`nbdev-docs`) when Quarto is installed, as the GitHub workflow does.
Where it is not (no package ships its binary), `make docs` runs `nbdev-proc-nbs` and then this script:

    python tools/static_site.py                      # _proc/ -> _docs/
    python tools/static_site.py --proc P --out DIR   # another processed folder, another output folder

Each page of `nbs/sidebar.yml` becomes `<page>.html`, rendered by nbconvert's HTML exporter (JupyterLab's look)
with its outputs: plots are embedded in the page as PNG data, tables stay tables. Every page gets the sidebar, in
the order of `sidebar.yml`, and links between notebooks (`01_regex_labelling.ipynb`) point at their pages. Cell
options that Quarto would obey (`#| include: false`, `echo: false`, `output: false`) are obeyed here too.
"""
import argparse, html, re, shutil, sys, time
from pathlib import Path

import nbformat, yaml
from nbconvert import HTMLExporter

ASSETS = {'.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp', '.css'}  # files copied beside the pages
SITE_CSS = """
body { margin: 0; }
nav.sv-sidebar { position: fixed; top: 0; left: 0; bottom: 0; width: 270px; overflow-y: auto; box-sizing: border-box;
  padding: 1.2rem 1rem; background: #f7f7f9; border-right: 1px solid #ddd; font: 14px/1.45 system-ui, sans-serif; }
nav.sv-sidebar .sv-title { font-size: 1.25rem; font-weight: 600; margin-bottom: 1rem; display: block; color: #222;
  text-decoration: none; }
nav.sv-sidebar .sv-section { margin: 1rem 0 0.3rem; font-weight: 600; color: #444; }
nav.sv-sidebar .sv-section a { color: #444; }
nav.sv-sidebar ul { list-style: none; margin: 0; padding: 0 0 0 0.4rem; }
nav.sv-sidebar li a { display: block; padding: 0.15rem 0.4rem; color: #2a5db0; text-decoration: none; border-radius: 4px; }
nav.sv-sidebar li a:hover { background: #e8eefa; }
nav.sv-sidebar a[aria-current="page"] { background: #dde6f7; font-weight: 600; }
main.sv-page { margin-left: 270px; padding: 1rem 2rem 4rem; max-width: 1100px; }
.sv-header h1 { margin-bottom: 0.2rem; }
a.sv-source { float: right; font-size: smaller; }
.sv-header .sv-description { color: #555; font-size: 1.1rem; margin-top: 0; }
"""


def sidebar_entries(proc:Path):
    "The sidebar of `proc`/sidebar.yml as a list of ('page', text or None, href) and ('section', title, href, entries)"
    f = proc/'sidebar.yml'
    if not f.exists():
        sys.exit(f"static_site: {f} is missing. Run nbdev-proc-nbs first (make docs does), or pass --proc the folder "
                 f"it writes (nbdev's _proc/).")
    def conv(items):
        res = []
        for e in items:
            if isinstance(e, str): res.append(('page', None, e))
            elif 'section' in e: res.append(('section', e['section'], e.get('href'), conv(e.get('contents', []))))
            else: res.append(('page', e.get('text'), e['href']))
        return res
    try: return conv(yaml.safe_load(f.read_text())['website']['sidebar']['contents'])
    except (KeyError, TypeError) as e:
        sys.exit(f"static_site: {f} has no website: sidebar: contents: list ({type(e).__name__}: {e}). It is nbs/sidebar.yml, "
                 f"written by hand: see its comments.")


def pages_of(entries):
    "Every href of the sidebar `entries`, in order, each once"
    res = []
    for e in entries:
        hrefs = [e[2]] if e[0] == 'page' else ([e[2]] if e[2] else []) + pages_of(e[3])
        res += [h for h in hrefs if h not in res]
    return res


def html_name(href:str)->str:
    "The page a notebook's href becomes: foo.ipynb -> foo.html"
    return re.sub(r'\.(ipynb|qmd|md)$', '.html', href)


FRONT = re.compile(r'^---\s*\n(.*?)\n---\s*$', re.S)
DIRECTIVE = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')


def front_matter(nb)->dict:
    "Title, description (and anything else) of the YAML front matter nbdev puts in a processed notebook's first cells"
    for c in nb.cells[:3]:
        m = FRONT.match(c.source.strip()) if c.cell_type in ('raw', 'markdown') else None
        if m:
            try: return yaml.safe_load(m.group(1)) or {}
            except yaml.YAMLError: return {}
    return {}


def quarto_options(nb):
    "Obey the cell options Quarto would (include, echo, output), drop the front matter and the `#|` lines"
    keep, std = [], {'cell_type', 'execution_count', 'id', 'metadata', 'outputs', 'source', 'attachments'}
    for c in nb.cells:
        for k in set(c) - std: del c[k]   # nbdev's bookkeeping (has_sd, execution timings), which nbformat's
        c.metadata.pop('execution', None)   # schema refuses
        if c.cell_type in ('raw', 'markdown') and FRONT.match(c.source.strip()): continue
        if c.cell_type == 'code':
            lines = c.source.splitlines()
            opts = {}
            while lines and DIRECTIVE.match(lines[0]):
                k, v = DIRECTIVE.match(lines.pop(0)).groups()
                opts[k] = v.strip().lower()
            if opts.get('include') == 'false': continue
            c.source = '\n'.join(lines).strip('\n')
            tags = set(c.metadata.get('tags', []))
            if opts.get('echo') == 'false' or not c.source.strip() or c.metadata.get('transient', {}).get('remove_source'):
                tags.add('sv_remove_input')   # nbdev marks show_doc cells `transient: remove_source`
            if opts.get('output') == 'false': tags.add('sv_remove_output')
            if opts.get('output') == 'asis':   # Quarto prints such markdown as it is
                for o in c.get('outputs', []):
                    if 'text/markdown' in o.get('data', {}): o['data'] = {'text/markdown': o['data']['text/markdown']}
            c.metadata['tags'] = sorted(tags)
            if 'sv_remove_input' in tags and (not c.get('outputs') or 'sv_remove_output' in tags): continue
        keep.append(c)
    nb.cells = keep
    return nb


def page_title(nb, meta, href):
    "The page's title: its front matter's, else its first heading, else the file name"
    if meta.get('title'): return str(meta['title'])
    for c in nb.cells:
        m = re.search(r'^#\s+(.+)$', c.source, re.M) if c.cell_type == 'markdown' else None
        if m: return m.group(1).strip()
    return Path(href).stem


def nav_html(entries, current, titles, names, site_title):
    "The sidebar: every entry a link to its page, `current` marked"
    def link(text, href):
        cur = ' aria-current="page"' if href == current else ''
        return f'<a href="{html.escape(names.get(href, html_name(href)))}"{cur}>{html.escape(text or titles.get(href, href))}</a>'
    def items(es):
        out = []
        for e in es:
            if e[0] == 'page': out.append(f'<li>{link(e[1], e[2])}</li>')
            else:
                head = link(e[1], e[2]) if e[2] else html.escape(e[1])
                out.append(f'<li><div class="sv-section">{head}</div><ul>{"".join(items(e[3]))}</ul></li>')
        return out
    return (f'<nav class="sv-sidebar" aria-label="Site"><a class="sv-title" href="index.html">{html.escape(site_title)}</a>'
            f'<ul>{"".join(items(entries))}</ul></nav>')


HREF = re.compile(r'''(\b(?:href|src)=["'])([^"']*)(["'])''', re.I)


def fix_links(text:str, names:dict)->str:
    """Links between pages work in the static site: a notebook (`03_losses.ipynb#x`) points at its page (`losses.html#x`,
    `names` maps one to the other), and nbdev's site-absolute links (`/data.html#get_pets`) become relative."""
    def fix(m):
        url = m.group(2)
        if re.match(r'[a-z][\w+.-]*:|//|#', url, re.I): return m.group(0)   # other sites, data:, anchors
        path, rest = re.match(r'([^#?]*)(.*)', url).groups()
        path = path.lstrip('/')   # the site is one flat folder
        if path in names: path = names[path]
        elif path.endswith(('.ipynb', '.qmd')): path = html_name(path)
        return f'{m.group(1)}{path}{rest}{m.group(3)}'
    return HREF.sub(fix, text)


SOURCE = re.compile(r'<a href="([^"]*)">source</a>\{target="_blank"[^}]*\}')


def fix_source_links(text:str)->str:
    """nbdev's "source" links (Quarto attributes and all): to the repository when pyproject.toml names it
    (`[project.urls] Repository`), else left out rather than broken"""
    return SOURCE.sub(lambda m: f'<a class="sv-source" href="{m.group(1)}" target="_blank">source</a>'
                      if re.match(r'https?://', m.group(1)) else '', text)


def exporter():
    "nbconvert's HTML exporter, JupyterLab's look, without prompts, obeying the cell options of `quarto_options`"
    from traitlets.config import Config
    c = Config()
    c.HTMLExporter.exclude_input_prompt = c.HTMLExporter.exclude_output_prompt = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {'sv_remove_input'}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {'sv_remove_output'}
    return HTMLExporter(config=c, template_name='lab')


def render(proc:Path, href:str, entries, titles, names, site_title, ex)->tuple[str, dict]:
    "The HTML page of notebook `proc`/`href`, and counts of what it shows"
    nb = nbformat.read(proc/href, as_version=4)
    meta = front_matter(nb)
    nb = quarto_options(nb)
    body, _ = ex.from_notebook_node(nb, resources={'metadata': {'name': titles[href]}})
    header = f'<header class="sv-header"><h1>{html.escape(titles[href])}</h1>'
    if meta.get('description'): header += f'<p class="sv-description">{html.escape(str(meta["description"]))}</p>'
    header += '</header>'
    nav = nav_html(entries, href, titles, names, site_title)
    body = fix_links(fix_source_links(body), names)
    body = body.replace('</head>', f'<style>{SITE_CSS}</style>\n</head>', 1)
    body, n = re.subn(r'(<body[^>]*>)', lambda m: f'{m.group(1)}\n{nav}\n<main class="sv-page">{header}', body, count=1)
    if not n: raise RuntimeError(f"nbconvert's page for {href} has no <body>: cannot add the sidebar")
    body = body.replace('</body>', '</main>\n</body>', 1)
    outs = [o for c in nb.cells if c.cell_type == 'code' and not c.metadata.get('transient', {}).get('remove_source')
            for o in c.get('outputs', [])]   # what the lesson's code shows, not its show_doc tables
    stats = dict(code=sum(c.cell_type == 'code' for c in nb.cells), outputs=len(outs), images=sum(any(k.startswith('image/') for k in o.get('data', {})) for o in outs),
                 tables=len(re.findall(r'<table\b', body)))
    return body, stats


def build(proc:Path, out:Path, quiet=False)->dict:
    "Write the site of `proc` into `out`: a page per sidebar entry; what each page shows, by notebook"
    proc, out = Path(proc), Path(out)
    entries = sidebar_entries(proc)
    pages = [h for h in pages_of(entries) if h.endswith('.ipynb')]
    missing = [h for h in pages if not (proc/h).exists()]
    if missing:
        sys.exit(f"static_site: the sidebar (nbs/sidebar.yml) lists pages that are not in {proc}: {missing}. "
                 f"Run nbdev-proc-nbs again, or fix the sidebar.")
    if 'index.ipynb' not in pages:
        sys.exit("static_site: nbs/sidebar.yml has no index.ipynb: the site needs a home page (nbs/index.ipynb).")
    cfg = yaml.safe_load((proc/'nbdev.yml').read_text()) if (proc/'nbdev.yml').exists() else {}
    site_title = ((cfg or {}).get('website') or {}).get('title') or 'sotavision'
    titles, names = {}, {}
    for h in pages:   # nbdev names each page in its front matter (01_regex_labelling.ipynb -> regex_labelling.html)
        nb = nbformat.read(proc/h, as_version=4)
        meta = front_matter(nb)
        titles[h], names[h] = page_title(nb, meta, h), str(meta.get('output-file') or html_name(h))
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    for f in proc.rglob('*'):   # pictures and styles the pages refer to, beside them
        if f.is_file() and f.suffix.lower() in ASSETS:
            (out/f.relative_to(proc)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, out/f.relative_to(proc))
    ex, stats = exporter(), {}
    for h in pages:
        t0 = time.time()
        page, stats[h] = render(proc, h, entries, titles, names, site_title, ex)
        stats[h]['page'] = names[h]
        (out/names[h]).write_text(page, encoding='utf-8')
        if not quiet:
            s = stats[h]
            print(f"  {names[h]:24} {s['outputs']:3} outputs, {s['images']:2} plots, {s['tables']:2} tables"
                  f"  ({time.time() - t0:.1f} s)")
    bare = [h for h in pages if stats[h]['code'] and not stats[h]['outputs']]
    if not quiet:
        print(f"Site: {len(pages)} pages in {out}/: open {out/'index.html'}, or serve it with "
              f"python -m http.server -d {out}")
        if bare: print(f"Pages with no outputs (their notebooks in nbs/ were saved without running): {', '.join(bare)}")
    return stats


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--proc', default='_proc', help="nbdev-proc-nbs' output folder (default: _proc)")
    p.add_argument('--out', default='_docs', help="where to write the site (default: _docs, nbdev's doc_path)")
    a = p.parse_args(argv)
    if not Path(a.proc).is_dir():
        sys.exit(f"static_site: {a.proc} is not a folder. Run nbdev-proc-nbs first (make docs does), which writes _proc/.")
    build(Path(a.proc), Path(a.out))


if __name__ == '__main__': main()
