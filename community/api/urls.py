from rest_framework.routers import SimpleRouter

from .views import BoardViewSet, TopicViewSet

router = SimpleRouter()
router.register("forum/boards", BoardViewSet, basename="forum-board")
router.register("forum/topics", TopicViewSet, basename="forum-topic")
urlpatterns = router.urls
