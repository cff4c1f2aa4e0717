-- The period a page or an export opens on when none is asked: the warehouse's opening_period (views.sql).
SELECT period FROM opening_period(CAST($today AS DATE));
