# nbdev 2 project setup: everything comes from settings.ini.
# (nbdev's template imports pkg_resources, which current setuptools no longer ships; we parse requirements ourselves.)
from configparser import ConfigParser
import setuptools

cfg_all = ConfigParser(delimiters=['='])
cfg_all.read('settings.ini')
cfg = cfg_all['DEFAULT']

expected = ('version description keywords author author_email license min_python status audience language '
            'lib_name user git_url').split()
missing = [o for o in expected if o not in cfg]
assert not missing, f'settings.ini is missing: {missing}'

# the license as an SPDX name (setuptools deprecates license classifiers)
licenses = {'apache2': 'Apache-2.0', 'mit': 'MIT'}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()
lic = licenses.get(cfg['license'].lower(), cfg['license'])
min_python = cfg['min_python']

requirements = cfg.get('requirements', '').split()
dev_requirements = cfg.get('dev_requirements', '').split()
ray_requirements = cfg.get('ray_requirements', '').split()   # the optional Ray self-play mode
browser_requirements = cfg.get('browser_requirements', '').split()   # the real-browser test (tests/test_browser.py)
tensorboard_requirements = cfg.get('tensorboard_requirements', '').split()   # metrics for TensorBoard (TrainConfig.tensorboard)

setuptools.setup(
    name=cfg['lib_name'],
    version=cfg['version'],
    license=lic,
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])],
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'Natural Language :: ' + cfg['language'].title()]
                + ['Programming Language :: Python :: ' + o for o in py_versions[py_versions.index(min_python):]],
    url=cfg['git_url'],
    # namespace packages too: the data folders (pretrained/, books/) are packages without an __init__.py
    packages=setuptools.find_namespace_packages(include=[cfg['lib_name'], cfg['lib_name'] + '.*'],
                                                exclude=['*.__pycache__']),
    include_package_data=True,
    install_requires=requirements,
    extras_require={'dev': dev_requirements, 'ray': ray_requirements, 'browser': browser_requirements,
                    'tensorboard': tensorboard_requirements},
    python_requires='>=' + min_python,
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={'console_scripts': cfg.get('console_scripts', '').split(),
                  'nbdev': [f'{cfg["lib_path"]}={cfg["lib_path"]}._modidx:d']},
    description=cfg['description'],
    keywords=cfg['keywords'],
    author=cfg['author'],
    author_email=cfg['author_email'],
)
