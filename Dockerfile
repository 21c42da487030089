# Production image: web (gunicorn), worker and beat all run from it (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/srv/uploads

# WeasyPrint's libraries (libharfbuzz-subset0 keeps PDF rendering fast), the fonts the PDFs
# use, and gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
        fonts-dejavu-core fonts-liberation gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install -r requirements.lock

COPY . .

# The front-end packages (GC Design System CSS and fonts) come from npm at build time and are
# copied into static/vendor/ by the same step bin/_setup runs; Node is gone afterwards.
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && bash -c 'source bin/_setup && tt_frontend' \
    && rm -rf node_modules \
    && apt-get purge -y nodejs npm && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/* /root/.npm

# Build-time only values: production settings refuse to load without them, and neither
# command below touches the database. They do not persist past this step.
RUN export SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-build-only \
           ALLOWED_HOSTS=build.invalid \
    && if find . -name '*.po' -not -path './var/*' | grep -q .; then \
           python manage.py compilemessages --ignore var; \
       fi \
    && python manage.py collectstatic --noinput

# Uploads live in a volume outside the web root (MEDIA_ROOT); static files are served by
# WhiteNoise from VAR_DIR/static.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /srv/uploads /app/var/celery /app/var/log \
    && chown -R app:app /srv/uploads /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
