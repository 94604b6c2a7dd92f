"""The authenticated GET, the counterpart of our GET /auth/me: JWTAuthentication verifies the
token and loads the user from the database, as ours verifies the token and loads user + session."""
from rest_framework.response import Response
from rest_framework.views import APIView


class MeView(APIView):
    def get(self, request):
        user = request.user
        return Response({"user": {"id": user.id, "username": user.username, "email": user.email}})
