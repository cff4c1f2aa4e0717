-- The period a page opens on when the URL names none: the warehouse's opening_period (views.sql).
SELECT period FROM opening_period(CAST($today AS DATE));
