# syntax=docker/dockerfile:1
# Build stage: install leadapi and its dependencies into a virtualenv.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/venv/bin/pip install .

# Runtime stage: the virtualenv, the migrations and nothing else, as a non-root user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    LEADAPI_HOST=0.0.0.0 \
    LEADAPI_PORT=8000 \
    LEADAPI_DATABASE_URL=sqlite+aiosqlite:////data/leadapi.db \
    LEADAPI_MIGRATIONS_DIR=/app/migrations
RUN useradd --system --uid 10001 --home-dir /app leadapi && mkdir -p /data /app && chown leadapi /data
COPY --from=build /opt/venv /opt/venv
COPY migrations /app/migrations
WORKDIR /app
USER leadapi
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"LEADAPI_PORT\"]}/healthz')"
# Migrate, then serve (the first start prints an admin key when the database has none).
CMD ["sh", "-c", "leadapi migrate && exec leadapi serve"]
