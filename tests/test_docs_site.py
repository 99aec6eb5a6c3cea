"""The docs site as a reader sees it: `make docs-html` (what `make docs` builds where Quarto is missing, as here) and
the GitHub workflows that build and publish the Quarto site.

The site is built once per run into a scratch folder, served by a local http server, and opened in Debian's Chromium
through PyPI's playwright (the `browser` and `page` fixtures of tests/test_browser.py).
"""
import functools, http.server, json, os, re, subprocess, sys, threading, time
from pathlib import Path

import pytest
import yaml

from test_browser import browser, page, shot   # noqa: F401 (pytest fixtures: Debian's Chromium, a fresh page)

ROOT = Path(__file__).resolve().parents[1]
# The lesson whose page must show a plot and a table: Imagenette's show_batch and fastai's training-results table.
LESSON = '07_imagenette.ipynb'
RUN_IT = f"Run it and save its outputs with `make outputs LESSON=nbs/{LESSON}`, then commit it (lessons carry their outputs)."


def _outputs(nb_path):
    "(plots, results tables) among the outputs of notebook `nb_path`"
    cells = json.loads(Path(nb_path).read_text())['cells']
    outs = [o for c in cells if c['cell_type'] == 'code' for o in c.get('outputs', [])]
    plots = sum('image/png' in o.get('data', {}) for o in outs)
    tables = sum('<table' in ''.join(o.get('data', {}).get('text/html', '')) for o in outs)
    return plots, tables


def _has_quarto(): return any((Path(p)/'quarto').exists() for p in os.environ['PATH'].split(os.pathsep) if p)


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    "The site `make docs` builds without Quarto (`make docs-html` where Quarto is installed), in a scratch folder"
    out = tmp_path_factory.mktemp('site')/'_docs'
    target = 'docs-html' if _has_quarto() else 'docs'
    t0 = time.time()
    r = subprocess.run(['make', '--no-print-directory', target, f'DOCS_OUT={out}'], cwd=ROOT, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, f"make {target} failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    print(f"make {target}: {time.time() - t0:.0f} s")
    return out, r.stdout


def _pages():
    "notebook -> the page nbdev names it (its output-file: 01_regex_labelling.ipynb -> regex_labelling.html)"
    sys.path.insert(0, str(ROOT/'tools'))
    import static_site
    entries = static_site.sidebar_entries(ROOT/'nbs')
    res = {}
    for h in static_site.pages_of(entries):
        res[h] = 'index.html' if h == 'index.ipynb' else re.sub(r'^\d+[a-z]?_', '', Path(h).stem) + '.html'
    return res


def test_every_sidebar_page_is_a_page_with_the_sidebar(site):
    """Does the site have a page for every entry of nbs/sidebar.yml, each with the whole sidebar in its order?"""
    out, _ = site
    pages = _pages()
    missing = [f"{nb} -> {p}" for nb, p in pages.items() if not (out/p).is_file()]
    assert not missing, f"pages missing from the site: {missing}"
    order = list(dict.fromkeys(pages.values()))
    for p in set(pages.values()):
        text = (out/p).read_text()
        nav = re.search(r'<nav class="sv-sidebar".*?</nav>', text, re.S)
        assert nav, f"{p} has no sidebar"
        entries = nav.group(0).split('</a>', 1)[1]   # after the site's title, a link to the index
        links = list(dict.fromkeys(re.findall(r'<a href="([^"]+)"', entries)))
        assert links == order, f"{p}: the sidebar's links should follow nbs/sidebar.yml:\n{links}\n!=\n{order}"


def test_links_between_pages_work(site):
    """Does every link from one page of the site to another (sidebar, API reference, lessons' text) lead to a page
    that exists, and is no link left pointing at a notebook?"""
    out, _ = site
    broken, to_nb = [], []
    for f in sorted(out.glob('*.html')):
        for url in re.findall(r'\bhref="([^"]+)"', f.read_text()):
            if re.match(r'[a-z][\w+.-]*:|//|#', url): continue
            path = url.split('#')[0].split('?')[0]
            if path.endswith('.ipynb'): to_nb.append(f'{f.name}: {url}')
            elif path and not (out/path).exists(): broken.append(f'{f.name}: {url}')
    assert not to_nb, f"links still pointing at notebooks: {to_nb[:10]}"
    assert not broken, f"links to pages that do not exist: {broken[:10]}"
    api = (out/'api.html').read_text()
    assert 'href="data.html#get_pets"' in api, "the API reference should link each name to its lesson's page"


def test_lesson_page_has_its_plot_and_table(site):
    """Does the lesson's page carry its plot (an embedded PNG) and its results table, as the notebook in nbs/ has them,
    and as nbdev-proc-nbs keeps them in _proc/?"""
    out, _ = site
    plots, tables = _outputs(ROOT/'nbs'/LESSON)
    assert plots and tables, (f"nbs/{LESSON} has {plots} plots and {tables} tables in its outputs: its page cannot show "
                              f"them. {RUN_IT}")
    assert _outputs(ROOT/'_proc'/LESSON) == (plots, tables), f"nbdev-proc-nbs lost outputs of {LESSON} in _proc/"
    text = (out/_pages()[LESSON]).read_text()
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', text)) >= plots, "the page should embed every plot"
    assert re.search(r'<table[^>]*>.*?train_loss.*?</table>', text, re.S), "the page should show fastai's results table"


def test_make_docs_uses_quarto_when_it_is_installed(tmp_path):
    """With Quarto installed, does `make docs` render the site with nbdev-docs (Quarto) and not the plain HTML one?"""
    fake = tmp_path/'bin'   # a stand-in quarto and nbdev-docs, first on the PATH (BIN: make's own PATH entry)
    fake.mkdir()
    for name, body in [('quarto', 'exit 0'), ('nbdev-docs', 'echo QUARTO-SITE')]:
        (fake/name).write_text(f'#!/bin/sh\n{body}\n')
        (fake/name).chmod(0o755)
    r = subprocess.run(['make', '--no-print-directory', '-o', '.venv/.installed', 'docs', f'BIN={fake}'], cwd=ROOT,
                       env=dict(os.environ, PATH=f"{fake}{os.pathsep}{os.environ['PATH']}"), capture_output=True, text=True)
    assert r.returncode == 0 and 'QUARTO-SITE' in r.stdout and 'docs-html' not in r.stdout, r.stdout + r.stderr


def test_make_docs_without_quarto_says_so(site):
    """Without Quarto, does `make docs` say that it builds the plain HTML site instead, and where it is?"""
    out, printed = site
    if not _has_quarto(): assert 'Quarto is not installed' in printed, printed[-2000:]
    assert re.search(rf"Site: \d+ pages in {re.escape(str(out))}", printed), printed[-2000:]


@pytest.fixture(scope='module')
def server(site):
    "A local http server on the built site; its base URL"
    out, _ = site
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    handler = functools.partial(Quiet, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}/'
    httpd.shutdown()


def test_reader_follows_the_sidebar_to_a_lesson_and_sees_its_plot_and_table(server, page):
    """In a browser, from the site's index, does the sidebar lead to the lesson, whose page shows a plot that has
    loaded and a results table?"""
    page.route(re.compile(r'^(?!http://127\.0\.0\.1)'), lambda route: route.abort())   # offline: CDNs (MathJax) fail fast
    page.goto(server)
    assert page.title(), "the index page should have a title"
    sidebar = page.locator('nav.sv-sidebar')
    link = sidebar.get_by_role('link', name=re.compile(r'Lesson 7\b'))
    assert link.count() == 1, f"the sidebar should have one link to lesson 7: {sidebar.inner_text()}"
    link.click()
    page.wait_for_url(re.compile(re.escape(_pages()[LESSON]) + '$'))
    shot(page, 'docs-site-lesson')
    plots, tables = _outputs(ROOT/'nbs'/LESSON)
    assert plots and tables, f"nbs/{LESSON} has no plot or no table in its outputs. {RUN_IT}"
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    loaded = page.evaluate("() => [...document.querySelectorAll('main img')].filter(i => i.naturalWidth > 0).length")
    assert loaded >= plots, f"{loaded} plots loaded on the page, the notebook has {plots}"
    table = page.locator('main table', has_text='train_loss').first
    assert table.is_visible(), "fastai's results table should be visible on the lesson's page"
    headers = table.locator('th').all_inner_texts()
    assert {'epoch', 'train_loss', 'valid_loss'} <= set(headers), headers
    page.locator('main img').first.scroll_into_view_if_needed()
    shot(page, 'docs-site-lesson-plot')


def _workflow(name):
    f = ROOT/'.github'/'workflows'/name
    assert f.exists(), f"missing GitHub workflow {f}"
    wf = yaml.safe_load(f.read_text())
    return wf, wf.get('on', wf.get(True)), ' '.join(str(s.get('run', '')) + ' ' + str(s.get('uses', ''))
                                                   for j in wf['jobs'].values() for s in j['steps'])


def test_github_workflows_test_every_push_and_publish_the_quarto_site():
    """Does CI run `make test` on every push, and does the deploy workflow render the site with Quarto and publish
    nbdev's output folder to GitHub Pages on pushes to main?"""
    _, on, steps = _workflow('test.yaml')
    assert 'push' in on and 'pull_request' in on, on
    assert '.ci/run' in steps or 'make test' in steps, steps
    assert '#!/usr/bin/env bash' in (ROOT/'.ci'/'run').read_text() and 'make test' in (ROOT/'.ci'/'run').read_text()
    wf, on, steps = _workflow('deploy.yaml')
    assert 'main' in on['push']['branches'], on
    assert 'quarto-dev/quarto-actions/setup' in steps and 'make docs' in steps and 'actions-gh-pages' in steps, steps
    publish = [s['with']['publish_dir'] for j in wf['jobs'].values() for s in j['steps'] if 'gh-pages' in str(s.get('uses'))]
    out_dir = yaml.safe_load((ROOT/'_proc'/'nbdev.yml').read_text())['project']['output-dir'] \
        if (ROOT/'_proc'/'nbdev.yml').exists() else '_docs'
    assert publish == [f'./{out_dir}'], f"the deploy workflow should publish nbdev's output folder {out_dir}: {publish}"
    assert wf['permissions'].get('contents') == 'write', "peaceiris/actions-gh-pages pushes the gh-pages branch"
