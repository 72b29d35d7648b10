# One replica of the decision grid. The app keeps each assessment in the page's URL, so run as many
# of these as you need behind a proxy that keeps each browser on one replica (WebSocket and
# downloads): see deploy/nginx.conf.template and `make serve`. Streamlit itself sends no
# Content-Security-Policy or nosniff header; the proxy in front adds them.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# the PDF summary embeds a CJK TrueType font, with Noto (Arabic, Hebrew) and Symbola (emoji) as fallbacks
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei fonts-noto-core fonts-symbola \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .

RUN useradd --create-home --uid 10001 grid
USER grid

EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2).status == 200 else 1)"]

# .streamlit/config.toml binds to 127.0.0.1; in a container the proxy reaches it on 0.0.0.0
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.address", "0.0.0.0", "--server.port", "8501"]
