# Image for web, worker and beat (docker-compose.yml). Python deps only; PostgreSQL and Redis are services.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 WORKFORCE_DATA_DIR=/app/.data
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# STATIC_ROOT is /app/.data/staticfiles: settings never create folders, and whitenoise warns when it is missing.
RUN useradd --create-home workforce && mkdir -p /app/.data/staticfiles && chown -R workforce /app/.data
USER workforce
EXPOSE 8000
CMD ["uvicorn", "workforce.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--lifespan", "off"]
