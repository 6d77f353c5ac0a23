DROP TABLE IF EXISTS change_feed;
DROP TABLE IF EXISTS change_feed_heads;
