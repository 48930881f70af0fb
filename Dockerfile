# syntax=docker/dockerfile:1
# One image for the API and the worker: `ibtool api` (the default command) or `ibtool worker`.
# It is configured only through IBTOOL_* environment variables and, for secrets, files in
# IBTOOL_SECRETS_DIR (compose secrets, Kubernetes Secret volumes). Nothing secret is baked in.
# Pin the base by digest in your registry mirror (python:3.13.9-slim-bookworm@sha256:...).

FROM python:3.13.9-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY . .
# The runtime dependencies only: no dev extras (test servers, linters).
RUN python -m venv /opt/ibtool \
    && /opt/ibtool/bin/pip install . \
    && /opt/ibtool/bin/pip uninstall --yes pip

FROM python:3.13.9-slim-bookworm
RUN groupadd --system --gid 10001 ibtool \
    && useradd --system --uid 10001 --gid ibtool --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin ibtool
COPY --from=build /opt/ibtool /opt/ibtool
ENV PATH=/opt/ibtool/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    IBTOOL_API_HOST=0.0.0.0 \
    IBTOOL_API_PORT=8000
WORKDIR /srv/ibtool
USER 10001:10001
EXPOSE 8000
# The API's liveness route; the worker's service overrides or disables this check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('IBTOOL_API_PORT', '8000'), timeout=4)"]
ENTRYPOINT ["ibtool"]
CMD ["api"]
