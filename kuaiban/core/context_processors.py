from django.http import HttpRequest


def display_preferences(request: HttpRequest) -> dict[str, bool]:
    return {"large_text": bool(getattr(request, "large_text", False))}
