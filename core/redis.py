"""Redis reachability, for `/health`, the doctor and the event stream's refusal when Redis is away."""


def redis_ping(url: str, timeout: float = 0.5) -> bool:
    """Whether a Redis server answers PING at `url`."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False
