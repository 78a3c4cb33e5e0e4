--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Data for Name: users; Type: TABLE DATA; Schema: tradeledger; Owner: microcoin
--

INSERT INTO tradeledger.users VALUES (1000, '01a22528-2418-70d6-923f-a6c2338a358b', '2026-11-29 02:35:17.447052+00');
INSERT INTO tradeledger.users VALUES (1001, '01a22528-2418-70d7-8fd3-f7b119d42d3b', '2026-11-29 02:35:17.489842+00');
INSERT INTO tradeledger.users VALUES (1002, '01a22528-2418-70d8-9d8d-89c89895d804', '2026-11-29 02:35:17.499992+00');
INSERT INTO tradeledger.users VALUES (1003, '01a22528-2418-70d9-8e75-5c58b674b790', '2026-11-29 02:35:17.750901+00');


--
-- Data for Name: accounts; Type: TABLE DATA; Schema: tradeledger; Owner: microcoin
--

INSERT INTO tradeledger.accounts VALUES (1, NULL, 'external', 'BTC', -500000000, 0);
INSERT INTO tradeledger.accounts VALUES (0, NULL, 'external', 'USD', -15001000, 0);
INSERT INTO tradeledger.accounts VALUES (8018, 1002, 'user', 'ETH', 150000000, 0);
INSERT INTO tradeledger.accounts VALUES (2, NULL, 'external', 'ETH', -150000000, 0);
INSERT INTO tradeledger.accounts VALUES (8, NULL, 'house', 'USD', 1300360, 0);
INSERT INTO tradeledger.accounts VALUES (9, NULL, 'house', 'BTC', -26000000, 0);
INSERT INTO tradeledger.accounts VALUES (8009, 1001, 'user', 'BTC', 246000000, 49000000);
INSERT INTO tradeledger.accounts VALUES (8008, 1001, 'user', 'USD', 5249388, 0);
INSERT INTO tradeledger.accounts VALUES (8016, 1002, 'user', 'USD', 899, 0);
INSERT INTO tradeledger.accounts VALUES (8017, 1002, 'user', 'BTC', 100000, 0);
INSERT INTO tradeledger.accounts VALUES (16, NULL, 'fee', 'USD', 3757, 0);
INSERT INTO tradeledger.accounts VALUES (8001, 1000, 'user', 'BTC', 229500000, 1400000);
INSERT INTO tradeledger.accounts VALUES (8000, 1000, 'user', 'USD', 8446596, 0);


--
-- Data for Name: fills; Type: TABLE DATA; Schema: tradeledger; Owner: microcoin
--

INSERT INTO tradeledger.fills VALUES (1, 3, 1000, 'BTC-USD', 'BUY', 5001000, 10000000, 1001, 'TAKER', '2026-11-29 02:35:17.514294+00');
INSERT INTO tradeledger.fills VALUES (2, 5, 1000, 'BTC-USD', 'BUY', 5001000, 20000000, 2001, 'TAKER', '2026-11-29 02:35:17.534109+00');
INSERT INTO tradeledger.fills VALUES (3, 7, 1001, 'BTC-USD', 'BUY', 5001000, 1000000, 101, 'TAKER', '2026-11-29 02:35:17.644724+00');
INSERT INTO tradeledger.fills VALUES (4, 8, 1001, 'BTC-USD', 'SELL', 4999000, 5000000, 500, 'TAKER', '2026-11-29 02:35:17.654874+00');
INSERT INTO tradeledger.fills VALUES (5, 4, 1001, 'BTC-USD', 'SELL', 5010000, 1000000, 51, 'MAKER', '2026-11-29 02:35:17.726414+00');
INSERT INTO tradeledger.fills VALUES (5, 14, 1000, 'BTC-USD', 'BUY', 5010000, 1000000, 101, 'TAKER', '2026-11-29 02:35:17.726414+00');
INSERT INTO tradeledger.fills VALUES (6, 12, 1002, 'BTC-USD', 'BUY', 100000, 100000, 1, 'MAKER', '2026-11-29 02:35:17.741488+00');
INSERT INTO tradeledger.fills VALUES (6, 15, 1000, 'BTC-USD', 'SELL', 100000, 100000, 1, 'TAKER', '2026-11-29 02:35:17.741488+00');


--
-- Data for Name: idempotency; Type: TABLE DATA; Schema: tradeledger; Owner: microcoin
--

INSERT INTO tradeledger.idempotency VALUES (1000, 'a-usd', '16e748ffbd436d59dbcf5e62fdff40e93fbec479d55b675cab48463341828395', 200, '', '', '{"balance":"100000.00","currency":"USD","amount":"100000.00"}', '2026-11-29 02:35:17.447052+00');
INSERT INTO tradeledger.idempotency VALUES (1000, 'a-btc', '78ebbb7ed129487d7a500d0e09fde3aaf21faa344d0e351b9f6c7e9237306f32', 200, '', '', '{"balance":"2.00000000","currency":"BTC","amount":"2.00000000"}', '2026-11-29 02:35:17.482143+00');
INSERT INTO tradeledger.idempotency VALUES (1001, 'b-usd', '8135200ae7310c33d14560093e589cc56eb0a5521a1aac637b838255018d17d4', 200, '', '', '{"balance":"50000.00","currency":"USD","amount":"50000.00"}', '2026-11-29 02:35:17.489842+00');
INSERT INTO tradeledger.idempotency VALUES (1001, 'b-btc', '2bce5ab605d16f9ede4db16525bdb2ac083f0f567e7c7e7bc7335abe74a256de', 200, '', '', '{"balance":"3.00000000","currency":"BTC","amount":"3.00000000"}', '2026-11-29 02:35:17.495086+00');
INSERT INTO tradeledger.idempotency VALUES (1002, 'c-usd', 'f59f31c0f4390956ee8ead4b4d37345334bc35fc713359a501af1513daf04e62', 200, '', '', '{"balance":"10.00","currency":"USD","amount":"10.00"}', '2026-11-29 02:35:17.499992+00');
INSERT INTO tradeledger.idempotency VALUES (1002, 'c-eth', '6ef95cdd26806a34737e83a508f74a29f80bb04aa9018f68f62c063ab4ca543b', 200, '', '', '{"balance":"1.50000000","currency":"ETH","amount":"1.50000000"}', '2026-11-29 02:35:17.504867+00');
INSERT INTO tradeledger.idempotency VALUES (1002, 'ord-1', '985267d2974966d517b1d4065827dd342c999b11e43942f97c3979922da8bfee', 422, 'INSUFFICIENT_FUNDS', 'insufficient funds', '{"error":{"code":"INSUFFICIENT_FUNDS","message":"insufficient funds"}}', '2026-11-29 02:35:17.509683+00');
INSERT INTO tradeledger.idempotency VALUES (1000, 'ord-2', 'fe0a193802375d8c04f92be634783996006e67db252b1f5f0267939650a5ad3c', 201, '', '', '{"order_id":"01a22528-248a-71db-8db8-d531d7b1606c","status":"FILLED","filled_qty":"0.10000000","avg_fill_price":"50010.00","symbol":"BTC-USD","side":"BUY","type":"MARKET","price":null,"qty":"0.10000000","time_in_force":"IOC","created_at":"2026-11-29T02:35:17.514294Z"}', '2026-11-29 02:35:17.522048+00');
INSERT INTO tradeledger.idempotency VALUES (1001, 'ord-3', '50998a552a17b9d35c56c1af3e2aa32b912e2c5ce5c8cdb98e4ccbad27248922', 201, '', '', '{"order_id":"01a22528-2498-70b3-88df-faa848ddb549","status":"NEW","filled_qty":"0.00000000","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"50100.00","qty":"0.50000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.528907Z"}', '2026-11-29 02:35:17.530133+00');
INSERT INTO tradeledger.idempotency VALUES (1000, 'ord-4', '318b01c33f9633884d5a9943b88acf8c3ee37fa1890702cbdbff81b70dff752d', 201, '', '', '{"order_id":"01a22528-249e-7077-90d4-ad79ce67ec1f","status":"FILLED","filled_qty":"0.20000000","avg_fill_price":"50010.00","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"50100.00","qty":"0.20000000","time_in_force":"IOC","created_at":"2026-11-29T02:35:17.534109Z"}', '2026-11-29 02:35:17.535198+00');
INSERT INTO tradeledger.idempotency VALUES (1000, 'ord-5', '992e1cc41dd60d3abf734a7ed7241bf96a63c0aa8870dc3b8922592391a6bb49', 422, 'INSUFFICIENT_FUNDS', 'insufficient funds', '{"error":{"code":"INSUFFICIENT_FUNDS","message":"insufficient funds"}}', '2026-11-29 02:35:17.541417+00');
INSERT INTO tradeledger.idempotency VALUES (1000, 'ord-6', 'e1c727a72504463ffcd572d6fd450a314102e92c1bfbd44994f337c67ee54111', 201, '', '', '{"order_id":"01a22528-24b2-7221-a646-d31511d14a78","status":"NEW","filled_qty":"0.00000000","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"49000.00","qty":"0.30000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.554232Z"}', '2026-11-29 02:35:17.555416+00');
INSERT INTO tradeledger.idempotency VALUES (1001, 'ord-7', 'a54cec4d07f0d7a39187538dcf5c6455e0268862c1655e56affc06275ed524e2', 201, '', '', '{"order_id":"01a22528-250c-7278-8e0f-4b69a7eddd0e","status":"FILLED","filled_qty":"0.01000000","avg_fill_price":"50010.00","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"60000.00","qty":"0.01000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.644724Z"}', '2026-11-29 02:35:17.647972+00');
INSERT INTO tradeledger.idempotency VALUES (1001, 'ord-8', '1980529fd7e4c11e0e7471bae57a4a01534290444fed3c624e94f5232d065e32', 201, '', '', '{"order_id":"01a22528-2516-7263-b46a-a70d390f7a26","status":"FILLED","filled_qty":"0.05000000","avg_fill_price":"49990.00","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"40000.00","qty":"0.05000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.654874Z"}', '2026-11-29 02:35:17.657167+00');
INSERT INTO tradeledger.idempotency VALUES (1001, 'po-1', '8524cb1f40acabf8c3f6b666837c9e594b3691f1b672ac0c1b7ba38234b2cdcd', 201, '', '', '{"order_id":"01a22528-251e-76a0-b233-8614004199b6","status":"REJECTED","filled_qty":"0.00000000","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"40000.00","qty":"0.01000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.662371Z"}', '2026-11-29 02:35:17.663334+00');
INSERT INTO tradeledger.idempotency VALUES (1001, 'ord-9', '51b56f89aa872903d4723d4f56eefe541e02c0e5a46ce344349be5ff4b6eea71', 201, '', '', '{"order_id":"01a22528-2526-72e5-a0bf-3a29df839ead","status":"CANCELED","filled_qty":"0.00000000","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"100.00","qty":"100.00000000","time_in_force":"FOK","created_at":"2026-11-29T02:35:17.670931Z"}', '2026-11-29 02:35:17.676219+00');
INSERT INTO tradeledger.idempotency VALUES (1001, 'ord-10', 'a1de65ae566275101e119e7ec1bf66f5ba7d4f3f0dd5bd98f87b47a07a84ec62', 201, '', '', '{"order_id":"01a22528-2530-7241-b4b1-80f0ae3282b2","status":"CANCELED","filled_qty":"0.00000000","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"30000.00","qty":"0.20000000","time_in_force":"FOK","created_at":"2026-11-29T02:35:17.680733Z"}', '2026-11-29 02:35:17.681569+00');
INSERT INTO tradeledger.idempotency VALUES (1002, 'ord-11', '7d74511b702199df2cf278cb2aff80c376f702b7a1a07662d4e3a79a6af2bf10', 201, '', '', '{"order_id":"01a22528-2539-7479-89dd-f4f140ae55cb","status":"NEW","filled_qty":"0.00000000","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"1000.00","qty":"0.00100000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.689322Z"}', '2026-11-29 02:35:17.690409+00');
INSERT INTO tradeledger.idempotency VALUES (1000, 'ord-12', '3325a633f6d39f30b248ac6c9ba88be03134a90f443b408fc17de732ace21ee0', 201, '', '', '{"order_id":"01a22528-253f-71d4-855e-a0a68b88de5a","status":"NEW","filled_qty":"0.00000000","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"52000.00","qty":"0.01000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.695609Z"}', '2026-11-29 02:35:17.706582+00');
INSERT INTO tradeledger.idempotency VALUES (1000, 'ord-13', '5895056fc3ebc632bfcae3d89f5776309feb172482d5459c62894f44314817d2', 201, '', '', '{"order_id":"01a22528-255e-73d3-a84a-bed0b821fde6","status":"FILLED","filled_qty":"0.01000000","avg_fill_price":"50100.00","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"52000.00","qty":"0.01000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.726414Z"}', '2026-11-29 02:35:17.728921+00');
INSERT INTO tradeledger.idempotency VALUES (1000, 'ord-14', 'c1c53892052b54e1e10b27b01045b9d8dc170cf81141e7cd4ad987d45981ed1b', 201, '', '', '{"order_id":"01a22528-256d-760b-9ced-cf8f25ec727b","status":"CANCELED","filled_qty":"0.00100000","avg_fill_price":"1000.00","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"500.00","qty":"0.00300000","time_in_force":"IOC","created_at":"2026-11-29T02:35:17.741488Z"}', '2026-11-29 02:35:17.747163+00');
INSERT INTO tradeledger.idempotency VALUES (1003, 'ord-15', '829c0278937be18f942de70709de3b9fe398ba744d5c5649d1e978ba1a4234d7', 422, 'INSUFFICIENT_FUNDS', 'insufficient funds', '{"error":{"code":"INSUFFICIENT_FUNDS","message":"insufficient funds"}}', '2026-11-29 02:35:17.750901+00');
INSERT INTO tradeledger.idempotency VALUES (1000, 'ord-16', 'ee4462d323e819fbf12276ccfc72ee526666b9414a870995d5cf0d4dcffc6812', 201, '', '', '{"order_id":"01a22528-257d-70e0-b215-40181f20fd86","status":"NEW","filled_qty":"0.00000000","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"45000.00","qty":"0.01000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.757570Z"}', '2026-11-29 02:35:17.758499+00');
INSERT INTO tradeledger.idempotency VALUES (1000, 'ord-17', '20d82661483f04c03c3eec737a16f553d033ca46069166dc213715258bb72dc4', 201, '', '', '{"order_id":"01a22528-258a-70a4-af1f-87b98878fe21","status":"NEW","filled_qty":"0.00000000","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"45000.00","qty":"0.00400000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.770179Z"}', '2026-11-29 02:35:17.771298+00');


--
-- Data for Name: journal_entries; Type: TABLE DATA; Schema: tradeledger; Owner: microcoin
--

INSERT INTO tradeledger.journal_entries VALUES (1, 'topup', 'a-usd', '2026-11-29 02:35:17.426493+00');
INSERT INTO tradeledger.journal_entries VALUES (2, 'topup', 'a-btc', '2026-11-29 02:35:17.480936+00');
INSERT INTO tradeledger.journal_entries VALUES (3, 'topup', 'b-usd', '2026-11-29 02:35:17.48796+00');
INSERT INTO tradeledger.journal_entries VALUES (4, 'topup', 'b-btc', '2026-11-29 02:35:17.494438+00');
INSERT INTO tradeledger.journal_entries VALUES (5, 'topup', 'c-usd', '2026-11-29 02:35:17.499426+00');
INSERT INTO tradeledger.journal_entries VALUES (6, 'topup', 'c-eth', '2026-11-29 02:35:17.50424+00');
INSERT INTO tradeledger.journal_entries VALUES (7, 'trade', '1', '2026-11-29 02:35:17.514294+00');
INSERT INTO tradeledger.journal_entries VALUES (8, 'trade', '2', '2026-11-29 02:35:17.534109+00');
INSERT INTO tradeledger.journal_entries VALUES (9, 'trade', '3', '2026-11-29 02:35:17.644724+00');
INSERT INTO tradeledger.journal_entries VALUES (10, 'trade', '4', '2026-11-29 02:35:17.654874+00');
INSERT INTO tradeledger.journal_entries VALUES (11, 'trade', '5', '2026-11-29 02:35:17.726414+00');
INSERT INTO tradeledger.journal_entries VALUES (12, 'trade', '6', '2026-11-29 02:35:17.741488+00');


--
-- Data for Name: markets; Type: TABLE DATA; Schema: tradeledger; Owner: microcoin
--

INSERT INTO tradeledger.markets VALUES ('BTC-USD', 4905000, '2026-11-29 02:35:17.695963+00');


--
-- Data for Name: orders; Type: TABLE DATA; Schema: tradeledger; Owner: microcoin
--

INSERT INTO tradeledger.orders VALUES (3, '01a22528-248a-71db-8db8-d531d7b1606c', 1000, 'BTC-USD', 'BUY', 'MARKET', 'IOC', false, NULL, 10000000, 10000000, 500100, 10002000, 0, 'FILLED', NULL, NULL, '2026-11-29 02:35:17.514294+00', '2026-11-29 02:35:17.514294+00');
INSERT INTO tradeledger.orders VALUES (5, '01a22528-249e-7077-90d4-ad79ce67ec1f', 1000, 'BTC-USD', 'BUY', 'LIMIT', 'IOC', false, 5010000, 20000000, 20000000, 1000200, 20004000, 0, 'FILLED', NULL, NULL, '2026-11-29 02:35:17.534109+00', '2026-11-29 02:35:17.534109+00');
INSERT INTO tradeledger.orders VALUES (6, '01a22528-24b2-7221-a646-d31511d14a78', 1000, 'BTC-USD', 'BUY', 'LIMIT', 'GTC', false, 4900000, 30000000, 0, 0, 0, 0, 'CANCELED', NULL, NULL, '2026-11-29 02:35:17.554232+00', '2026-11-29 02:35:17.563662+00');
INSERT INTO tradeledger.orders VALUES (7, '01a22528-250c-7278-8e0f-4b69a7eddd0e', 1001, 'BTC-USD', 'BUY', 'LIMIT', 'GTC', false, 6000000, 1000000, 1000000, 50010, 1000200, 0, 'FILLED', NULL, NULL, '2026-11-29 02:35:17.644724+00', '2026-11-29 02:35:17.644724+00');
INSERT INTO tradeledger.orders VALUES (8, '01a22528-2516-7263-b46a-a70d390f7a26', 1001, 'BTC-USD', 'SELL', 'LIMIT', 'GTC', false, 4000000, 5000000, 5000000, 249950, 4999000, 0, 'FILLED', NULL, NULL, '2026-11-29 02:35:17.654874+00', '2026-11-29 02:35:17.654874+00');
INSERT INTO tradeledger.orders VALUES (9, '01a22528-251e-76a0-b233-8614004199b6', 1001, 'BTC-USD', 'SELL', 'LIMIT', 'GTC', true, 4000000, 1000000, 0, 0, 0, 0, 'REJECTED', 'post_only_would_take', NULL, '2026-11-29 02:35:17.662371+00', '2026-11-29 02:35:17.662371+00');
INSERT INTO tradeledger.orders VALUES (10, '01a22528-2526-72e5-a0bf-3a29df839ead', 1001, 'BTC-USD', 'BUY', 'LIMIT', 'FOK', false, 10000, 10000000000, 0, 0, 0, 0, 'CANCELED', 'fok_cannot_fill', NULL, '2026-11-29 02:35:17.670931+00', '2026-11-29 02:35:17.670931+00');
INSERT INTO tradeledger.orders VALUES (11, '01a22528-2530-7241-b4b1-80f0ae3282b2', 1001, 'BTC-USD', 'BUY', 'LIMIT', 'FOK', false, 3000000, 20000000, 0, 0, 0, 0, 'CANCELED', 'fok_cannot_fill', NULL, '2026-11-29 02:35:17.680733+00', '2026-11-29 02:35:17.680733+00');
INSERT INTO tradeledger.orders VALUES (13, '01a22528-253f-71d4-855e-a0a68b88de5a', 1000, 'BTC-USD', 'SELL', 'LIMIT', 'GTC', false, 5200000, 1000000, 0, 0, 0, 1000000, 'NEW', NULL, NULL, '2026-11-29 02:35:17.695609+00', '2026-11-29 02:35:17.695609+00');
INSERT INTO tradeledger.orders VALUES (4, '01a22528-2498-70b3-88df-faa848ddb549', 1001, 'BTC-USD', 'SELL', 'LIMIT', 'GTC', false, 5010000, 50000000, 1000000, 50100, 501000, 49000000, 'PARTIALLY_FILLED', NULL, NULL, '2026-11-29 02:35:17.528907+00', '2026-11-29 02:35:17.726414+00');
INSERT INTO tradeledger.orders VALUES (14, '01a22528-255e-73d3-a84a-bed0b821fde6', 1000, 'BTC-USD', 'BUY', 'LIMIT', 'GTC', false, 5200000, 1000000, 1000000, 50100, 1002000, 0, 'FILLED', NULL, NULL, '2026-11-29 02:35:17.726414+00', '2026-11-29 02:35:17.726414+00');
INSERT INTO tradeledger.orders VALUES (12, '01a22528-2539-7479-89dd-f4f140ae55cb', 1002, 'BTC-USD', 'BUY', 'LIMIT', 'GTC', false, 100000, 100000, 100000, 100, 1000, 0, 'FILLED', NULL, NULL, '2026-11-29 02:35:17.689322+00', '2026-11-29 02:35:17.741488+00');
INSERT INTO tradeledger.orders VALUES (15, '01a22528-256d-760b-9ced-cf8f25ec727b', 1000, 'BTC-USD', 'SELL', 'LIMIT', 'IOC', false, 50000, 300000, 100000, 100, 2000, 0, 'CANCELED', NULL, NULL, '2026-11-29 02:35:17.741488+00', '2026-11-29 02:35:17.741488+00');
INSERT INTO tradeledger.orders VALUES (16, '01a22528-257d-70e0-b215-40181f20fd86', 1000, 'BTC-USD', 'BUY', 'LIMIT', 'GTC', false, 4500000, 1000000, 0, 0, 0, 0, 'CANCELED', NULL, NULL, '2026-11-29 02:35:17.75757+00', '2026-11-29 02:35:17.770179+00');
INSERT INTO tradeledger.orders VALUES (17, '01a22528-258a-70a4-af1f-87b98878fe21', 1000, 'BTC-USD', 'SELL', 'LIMIT', 'GTC', false, 4500000, 400000, 0, 0, 0, 400000, 'NEW', NULL, NULL, '2026-11-29 02:35:17.770179+00', '2026-11-29 02:35:17.770179+00');


--
-- Data for Name: outbox; Type: TABLE DATA; Schema: tradeledger; Owner: microcoin
--

INSERT INTO tradeledger.outbox VALUES (1, 'trades:BTC-USD', '{"seq":1,"event":"trade","trade_id":"00000000-0000-0000-0000-000000000001","symbol":"BTC-USD","price":"50010.00","qty":"0.10000000","taker_side":"BUY","ts":"2026-11-29T02:35:17.514294Z"}', '2026-11-29 02:35:17.522048+00');
INSERT INTO tradeledger.outbox VALUES (2, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":2,"user_seq":1,"event":"fill","order_id":"01a22528-248a-71db-8db8-d531d7b1606c","trade_id":"00000000-0000-0000-0000-000000000001","symbol":"BTC-USD","side":"BUY","price":"50010.00","qty":"0.10000000","fee":"10.01","liquidity":"TAKER","ts":"2026-11-29T02:35:17.514294Z"}', '2026-11-29 02:35:17.522048+00');
INSERT INTO tradeledger.outbox VALUES (3, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":3,"user_seq":2,"event":"order","updated_at":"2026-11-29T02:35:17.514294Z","order":{"order_id":"01a22528-248a-71db-8db8-d531d7b1606c","status":"FILLED","filled_qty":"0.10000000","avg_fill_price":"50010.00","symbol":"BTC-USD","side":"BUY","type":"MARKET","price":null,"qty":"0.10000000","time_in_force":"IOC","created_at":"2026-11-29T02:35:17.514294Z"}}', '2026-11-29 02:35:17.522048+00');
INSERT INTO tradeledger.outbox VALUES (4, 'orders:01a22528-2418-70d7-8fd3-f7b119d42d3b', '{"seq":4,"user_seq":1,"event":"order","updated_at":"2026-11-29T02:35:17.528907Z","order":{"order_id":"01a22528-2498-70b3-88df-faa848ddb549","status":"NEW","filled_qty":"0.00000000","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"50100.00","qty":"0.50000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.528907Z"}}', '2026-11-29 02:35:17.530133+00');
INSERT INTO tradeledger.outbox VALUES (5, 'trades:BTC-USD', '{"seq":5,"event":"trade","trade_id":"00000000-0000-0000-0000-000000000002","symbol":"BTC-USD","price":"50010.00","qty":"0.20000000","taker_side":"BUY","ts":"2026-11-29T02:35:17.534109Z"}', '2026-11-29 02:35:17.535198+00');
INSERT INTO tradeledger.outbox VALUES (6, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":6,"user_seq":3,"event":"fill","order_id":"01a22528-249e-7077-90d4-ad79ce67ec1f","trade_id":"00000000-0000-0000-0000-000000000002","symbol":"BTC-USD","side":"BUY","price":"50010.00","qty":"0.20000000","fee":"20.01","liquidity":"TAKER","ts":"2026-11-29T02:35:17.534109Z"}', '2026-11-29 02:35:17.535198+00');
INSERT INTO tradeledger.outbox VALUES (7, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":7,"user_seq":4,"event":"order","updated_at":"2026-11-29T02:35:17.534109Z","order":{"order_id":"01a22528-249e-7077-90d4-ad79ce67ec1f","status":"FILLED","filled_qty":"0.20000000","avg_fill_price":"50010.00","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"50100.00","qty":"0.20000000","time_in_force":"IOC","created_at":"2026-11-29T02:35:17.534109Z"}}', '2026-11-29 02:35:17.535198+00');
INSERT INTO tradeledger.outbox VALUES (8, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":8,"user_seq":5,"event":"order","updated_at":"2026-11-29T02:35:17.554232Z","order":{"order_id":"01a22528-24b2-7221-a646-d31511d14a78","status":"NEW","filled_qty":"0.00000000","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"49000.00","qty":"0.30000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.554232Z"}}', '2026-11-29 02:35:17.555416+00');
INSERT INTO tradeledger.outbox VALUES (9, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":9,"user_seq":6,"event":"order","updated_at":"2026-11-29T02:35:17.563662Z","order":{"order_id":"01a22528-24b2-7221-a646-d31511d14a78","status":"CANCELED","filled_qty":"0.00000000","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"49000.00","qty":"0.30000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.554232Z"}}', '2026-11-29 02:35:17.564822+00');
INSERT INTO tradeledger.outbox VALUES (10, 'trades:BTC-USD', '{"seq":10,"event":"trade","trade_id":"00000000-0000-0000-0000-000000000003","symbol":"BTC-USD","price":"50010.00","qty":"0.01000000","taker_side":"BUY","ts":"2026-11-29T02:35:17.644724Z"}', '2026-11-29 02:35:17.647972+00');
INSERT INTO tradeledger.outbox VALUES (11, 'orders:01a22528-2418-70d7-8fd3-f7b119d42d3b', '{"seq":11,"user_seq":2,"event":"fill","order_id":"01a22528-250c-7278-8e0f-4b69a7eddd0e","trade_id":"00000000-0000-0000-0000-000000000003","symbol":"BTC-USD","side":"BUY","price":"50010.00","qty":"0.01000000","fee":"1.01","liquidity":"TAKER","ts":"2026-11-29T02:35:17.644724Z"}', '2026-11-29 02:35:17.647972+00');
INSERT INTO tradeledger.outbox VALUES (12, 'orders:01a22528-2418-70d7-8fd3-f7b119d42d3b', '{"seq":12,"user_seq":3,"event":"order","updated_at":"2026-11-29T02:35:17.644724Z","order":{"order_id":"01a22528-250c-7278-8e0f-4b69a7eddd0e","status":"FILLED","filled_qty":"0.01000000","avg_fill_price":"50010.00","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"60000.00","qty":"0.01000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.644724Z"}}', '2026-11-29 02:35:17.647972+00');
INSERT INTO tradeledger.outbox VALUES (13, 'trades:BTC-USD', '{"seq":13,"event":"trade","trade_id":"00000000-0000-0000-0000-000000000004","symbol":"BTC-USD","price":"49990.00","qty":"0.05000000","taker_side":"SELL","ts":"2026-11-29T02:35:17.654874Z"}', '2026-11-29 02:35:17.657167+00');
INSERT INTO tradeledger.outbox VALUES (14, 'orders:01a22528-2418-70d7-8fd3-f7b119d42d3b', '{"seq":14,"user_seq":4,"event":"fill","order_id":"01a22528-2516-7263-b46a-a70d390f7a26","trade_id":"00000000-0000-0000-0000-000000000004","symbol":"BTC-USD","side":"SELL","price":"49990.00","qty":"0.05000000","fee":"5.00","liquidity":"TAKER","ts":"2026-11-29T02:35:17.654874Z"}', '2026-11-29 02:35:17.657167+00');
INSERT INTO tradeledger.outbox VALUES (15, 'orders:01a22528-2418-70d7-8fd3-f7b119d42d3b', '{"seq":15,"user_seq":5,"event":"order","updated_at":"2026-11-29T02:35:17.654874Z","order":{"order_id":"01a22528-2516-7263-b46a-a70d390f7a26","status":"FILLED","filled_qty":"0.05000000","avg_fill_price":"49990.00","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"40000.00","qty":"0.05000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.654874Z"}}', '2026-11-29 02:35:17.657167+00');
INSERT INTO tradeledger.outbox VALUES (16, 'orders:01a22528-2418-70d7-8fd3-f7b119d42d3b', '{"seq":16,"user_seq":6,"event":"order","updated_at":"2026-11-29T02:35:17.662371Z","order":{"order_id":"01a22528-251e-76a0-b233-8614004199b6","status":"REJECTED","filled_qty":"0.00000000","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"40000.00","qty":"0.01000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.662371Z"}}', '2026-11-29 02:35:17.663334+00');
INSERT INTO tradeledger.outbox VALUES (17, 'orders:01a22528-2418-70d7-8fd3-f7b119d42d3b', '{"seq":17,"user_seq":7,"event":"order","updated_at":"2026-11-29T02:35:17.670931Z","order":{"order_id":"01a22528-2526-72e5-a0bf-3a29df839ead","status":"CANCELED","filled_qty":"0.00000000","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"100.00","qty":"100.00000000","time_in_force":"FOK","created_at":"2026-11-29T02:35:17.670931Z"}}', '2026-11-29 02:35:17.676219+00');
INSERT INTO tradeledger.outbox VALUES (18, 'orders:01a22528-2418-70d7-8fd3-f7b119d42d3b', '{"seq":18,"user_seq":8,"event":"order","updated_at":"2026-11-29T02:35:17.680733Z","order":{"order_id":"01a22528-2530-7241-b4b1-80f0ae3282b2","status":"CANCELED","filled_qty":"0.00000000","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"30000.00","qty":"0.20000000","time_in_force":"FOK","created_at":"2026-11-29T02:35:17.680733Z"}}', '2026-11-29 02:35:17.681569+00');
INSERT INTO tradeledger.outbox VALUES (19, 'orders:01a22528-2418-70d8-9d8d-89c89895d804', '{"seq":19,"user_seq":1,"event":"order","updated_at":"2026-11-29T02:35:17.689322Z","order":{"order_id":"01a22528-2539-7479-89dd-f4f140ae55cb","status":"NEW","filled_qty":"0.00000000","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"1000.00","qty":"0.00100000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.689322Z"}}', '2026-11-29 02:35:17.690409+00');
INSERT INTO tradeledger.outbox VALUES (20, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":20,"user_seq":7,"event":"order","updated_at":"2026-11-29T02:35:17.695609Z","order":{"order_id":"01a22528-253f-71d4-855e-a0a68b88de5a","status":"NEW","filled_qty":"0.00000000","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"52000.00","qty":"0.01000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.695609Z"}}', '2026-11-29 02:35:17.706582+00');
INSERT INTO tradeledger.outbox VALUES (21, 'trades:BTC-USD', '{"seq":21,"event":"trade","trade_id":"00000000-0000-0000-0000-000000000005","symbol":"BTC-USD","price":"50100.00","qty":"0.01000000","taker_side":"BUY","ts":"2026-11-29T02:35:17.726414Z"}', '2026-11-29 02:35:17.728921+00');
INSERT INTO tradeledger.outbox VALUES (22, 'orders:01a22528-2418-70d7-8fd3-f7b119d42d3b', '{"seq":22,"user_seq":9,"event":"fill","order_id":"01a22528-2498-70b3-88df-faa848ddb549","trade_id":"00000000-0000-0000-0000-000000000005","symbol":"BTC-USD","side":"SELL","price":"50100.00","qty":"0.01000000","fee":"0.51","liquidity":"MAKER","ts":"2026-11-29T02:35:17.726414Z"}', '2026-11-29 02:35:17.728921+00');
INSERT INTO tradeledger.outbox VALUES (23, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":23,"user_seq":8,"event":"fill","order_id":"01a22528-255e-73d3-a84a-bed0b821fde6","trade_id":"00000000-0000-0000-0000-000000000005","symbol":"BTC-USD","side":"BUY","price":"50100.00","qty":"0.01000000","fee":"1.01","liquidity":"TAKER","ts":"2026-11-29T02:35:17.726414Z"}', '2026-11-29 02:35:17.728921+00');
INSERT INTO tradeledger.outbox VALUES (24, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":24,"user_seq":9,"event":"order","updated_at":"2026-11-29T02:35:17.726414Z","order":{"order_id":"01a22528-255e-73d3-a84a-bed0b821fde6","status":"FILLED","filled_qty":"0.01000000","avg_fill_price":"50100.00","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"52000.00","qty":"0.01000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.726414Z"}}', '2026-11-29 02:35:17.728921+00');
INSERT INTO tradeledger.outbox VALUES (25, 'orders:01a22528-2418-70d7-8fd3-f7b119d42d3b', '{"seq":25,"user_seq":10,"event":"order","updated_at":"2026-11-29T02:35:17.726414Z","order":{"order_id":"01a22528-2498-70b3-88df-faa848ddb549","status":"PARTIALLY_FILLED","filled_qty":"0.01000000","avg_fill_price":"50100.00","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"50100.00","qty":"0.50000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.528907Z"}}', '2026-11-29 02:35:17.728921+00');
INSERT INTO tradeledger.outbox VALUES (26, 'trades:BTC-USD', '{"seq":26,"event":"trade","trade_id":"00000000-0000-0000-0000-000000000006","symbol":"BTC-USD","price":"1000.00","qty":"0.00100000","taker_side":"SELL","ts":"2026-11-29T02:35:17.741488Z"}', '2026-11-29 02:35:17.747163+00');
INSERT INTO tradeledger.outbox VALUES (27, 'orders:01a22528-2418-70d8-9d8d-89c89895d804', '{"seq":27,"user_seq":2,"event":"fill","order_id":"01a22528-2539-7479-89dd-f4f140ae55cb","trade_id":"00000000-0000-0000-0000-000000000006","symbol":"BTC-USD","side":"BUY","price":"1000.00","qty":"0.00100000","fee":"0.01","liquidity":"MAKER","ts":"2026-11-29T02:35:17.741488Z"}', '2026-11-29 02:35:17.747163+00');
INSERT INTO tradeledger.outbox VALUES (28, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":28,"user_seq":10,"event":"fill","order_id":"01a22528-256d-760b-9ced-cf8f25ec727b","trade_id":"00000000-0000-0000-0000-000000000006","symbol":"BTC-USD","side":"SELL","price":"1000.00","qty":"0.00100000","fee":"0.01","liquidity":"TAKER","ts":"2026-11-29T02:35:17.741488Z"}', '2026-11-29 02:35:17.747163+00');
INSERT INTO tradeledger.outbox VALUES (29, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":29,"user_seq":11,"event":"order","updated_at":"2026-11-29T02:35:17.741488Z","order":{"order_id":"01a22528-256d-760b-9ced-cf8f25ec727b","status":"CANCELED","filled_qty":"0.00100000","avg_fill_price":"1000.00","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"500.00","qty":"0.00300000","time_in_force":"IOC","created_at":"2026-11-29T02:35:17.741488Z"}}', '2026-11-29 02:35:17.747163+00');
INSERT INTO tradeledger.outbox VALUES (30, 'orders:01a22528-2418-70d8-9d8d-89c89895d804', '{"seq":30,"user_seq":3,"event":"order","updated_at":"2026-11-29T02:35:17.741488Z","order":{"order_id":"01a22528-2539-7479-89dd-f4f140ae55cb","status":"FILLED","filled_qty":"0.00100000","avg_fill_price":"1000.00","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"1000.00","qty":"0.00100000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.689322Z"}}', '2026-11-29 02:35:17.747163+00');
INSERT INTO tradeledger.outbox VALUES (31, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":31,"user_seq":12,"event":"order","updated_at":"2026-11-29T02:35:17.757570Z","order":{"order_id":"01a22528-257d-70e0-b215-40181f20fd86","status":"NEW","filled_qty":"0.00000000","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"45000.00","qty":"0.01000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.757570Z"}}', '2026-11-29 02:35:17.758499+00');
INSERT INTO tradeledger.outbox VALUES (32, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":32,"user_seq":13,"event":"order","updated_at":"2026-11-29T02:35:17.770179Z","order":{"order_id":"01a22528-258a-70a4-af1f-87b98878fe21","status":"NEW","filled_qty":"0.00000000","symbol":"BTC-USD","side":"SELL","type":"LIMIT","price":"45000.00","qty":"0.00400000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.770179Z"}}', '2026-11-29 02:35:17.771298+00');
INSERT INTO tradeledger.outbox VALUES (33, 'orders:01a22528-2418-70d6-923f-a6c2338a358b', '{"seq":33,"user_seq":14,"event":"order","updated_at":"2026-11-29T02:35:17.770179Z","order":{"order_id":"01a22528-257d-70e0-b215-40181f20fd86","status":"CANCELED","filled_qty":"0.00000000","symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"45000.00","qty":"0.01000000","time_in_force":"GTC","created_at":"2026-11-29T02:35:17.757570Z"}}', '2026-11-29 02:35:17.771298+00');


--
-- Data for Name: outbox_cursor; Type: TABLE DATA; Schema: tradeledger; Owner: microcoin
--

INSERT INTO tradeledger.outbox_cursor VALUES (true, 0, '2026-11-29 02:35:17.198479+00');


--
-- Data for Name: persist_state; Type: TABLE DATA; Schema: tradeledger; Owner: microcoin
--

INSERT INTO tradeledger.persist_state VALUES (true, 27, '01a22528-216d-7410-849a-5fef703ad218');


--
-- Data for Name: positions; Type: TABLE DATA; Schema: tradeledger; Owner: microcoin
--

INSERT INTO tradeledger.positions VALUES (1001, 'BTC-USD', 0, 0, -221, '2026-11-29 02:35:17.728921+00');
INSERT INTO tradeledger.positions VALUES (1002, 'BTC-USD', 100000, 101, 0, '2026-11-29 02:35:17.747163+00');
INSERT INTO tradeledger.positions VALUES (1000, 'BTC-USD', 30900000, 1548492, -4912, '2026-11-29 02:35:17.747163+00');


--
-- Data for Name: postings; Type: TABLE DATA; Schema: tradeledger; Owner: microcoin
--

INSERT INTO tradeledger.postings VALUES (1, 0, 'USD', -10000000);
INSERT INTO tradeledger.postings VALUES (1, 8000, 'USD', 10000000);
INSERT INTO tradeledger.postings VALUES (2, 1, 'BTC', -200000000);
INSERT INTO tradeledger.postings VALUES (2, 8001, 'BTC', 200000000);
INSERT INTO tradeledger.postings VALUES (3, 0, 'USD', -5000000);
INSERT INTO tradeledger.postings VALUES (3, 8008, 'USD', 5000000);
INSERT INTO tradeledger.postings VALUES (4, 1, 'BTC', -300000000);
INSERT INTO tradeledger.postings VALUES (4, 8009, 'BTC', 300000000);
INSERT INTO tradeledger.postings VALUES (5, 0, 'USD', -1000);
INSERT INTO tradeledger.postings VALUES (5, 8016, 'USD', 1000);
INSERT INTO tradeledger.postings VALUES (6, 2, 'ETH', -150000000);
INSERT INTO tradeledger.postings VALUES (6, 8018, 'ETH', 150000000);
INSERT INTO tradeledger.postings VALUES (7, 8000, 'USD', -501101);
INSERT INTO tradeledger.postings VALUES (7, 8, 'USD', 500100);
INSERT INTO tradeledger.postings VALUES (7, 16, 'USD', 1001);
INSERT INTO tradeledger.postings VALUES (7, 8001, 'BTC', 10000000);
INSERT INTO tradeledger.postings VALUES (7, 9, 'BTC', -10000000);
INSERT INTO tradeledger.postings VALUES (8, 8000, 'USD', -1002201);
INSERT INTO tradeledger.postings VALUES (8, 8, 'USD', 1000200);
INSERT INTO tradeledger.postings VALUES (8, 16, 'USD', 2001);
INSERT INTO tradeledger.postings VALUES (8, 8001, 'BTC', 20000000);
INSERT INTO tradeledger.postings VALUES (8, 9, 'BTC', -20000000);
INSERT INTO tradeledger.postings VALUES (9, 8008, 'USD', -50111);
INSERT INTO tradeledger.postings VALUES (9, 8, 'USD', 50010);
INSERT INTO tradeledger.postings VALUES (9, 16, 'USD', 101);
INSERT INTO tradeledger.postings VALUES (9, 8009, 'BTC', 1000000);
INSERT INTO tradeledger.postings VALUES (9, 9, 'BTC', -1000000);
INSERT INTO tradeledger.postings VALUES (10, 8, 'USD', -249950);
INSERT INTO tradeledger.postings VALUES (10, 8008, 'USD', 249450);
INSERT INTO tradeledger.postings VALUES (10, 16, 'USD', 500);
INSERT INTO tradeledger.postings VALUES (10, 9, 'BTC', 5000000);
INSERT INTO tradeledger.postings VALUES (10, 8009, 'BTC', -5000000);
INSERT INTO tradeledger.postings VALUES (11, 8000, 'USD', -50201);
INSERT INTO tradeledger.postings VALUES (11, 8008, 'USD', 50049);
INSERT INTO tradeledger.postings VALUES (11, 16, 'USD', 152);
INSERT INTO tradeledger.postings VALUES (11, 8001, 'BTC', 1000000);
INSERT INTO tradeledger.postings VALUES (11, 8009, 'BTC', -1000000);
INSERT INTO tradeledger.postings VALUES (12, 8016, 'USD', -101);
INSERT INTO tradeledger.postings VALUES (12, 8000, 'USD', 99);
INSERT INTO tradeledger.postings VALUES (12, 16, 'USD', 2);
INSERT INTO tradeledger.postings VALUES (12, 8017, 'BTC', 100000);
INSERT INTO tradeledger.postings VALUES (12, 8001, 'BTC', -100000);


--
-- PostgreSQL database dump complete
--


