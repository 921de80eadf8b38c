-- Northwind after the cutover: the order system's own statements, run on the source and on the target alike; every
-- line they print must be the same (real prices printed as PostgreSQL prints them, pictures by their digest).
INSERT INTO orders (order_id, customer_id, employee_id, order_date, ship_via, freight)
SELECT max(order_id) + 1, 'ALFKI', 1, date '2026-03-01', 1, 3.25 FROM orders RETURNING order_id, freight;
INSERT INTO order_details (order_id, product_id, unit_price, quantity, discount)
SELECT max(order_id), 78, 14.25, 3, 0.1 FROM orders RETURNING *;
-- the reports of the sample application
SELECT c.company_name, count(o.*) AS orders, round(sum(d.unit_price * d.quantity * (1 - d.discount))::numeric, 2) AS sales
  FROM customers c JOIN orders o USING (customer_id) JOIN order_details d USING (order_id)
 GROUP BY c.company_name ORDER BY sales DESC, 1 LIMIT 10;
SELECT p.product_name, p.unit_price, p.units_in_stock, p.units_on_order, p.discontinued
  FROM products p ORDER BY p.product_id;
SELECT e.last_name, count(DISTINCT o.order_id) AS orders, count(DISTINCT et.territory_id) AS territories
  FROM employees e LEFT JOIN orders o USING (employee_id) LEFT JOIN employee_territories et USING (employee_id)
 GROUP BY e.employee_id, e.last_name ORDER BY e.employee_id;
SELECT date_trunc('month', order_date)::date AS month, count(*), round(sum(freight)::numeric, 2)
  FROM orders GROUP BY 1 ORDER BY 1 DESC LIMIT 6;
SELECT category_name, md5(picture), length(picture) FROM categories ORDER BY category_id;
SELECT md5(string_agg(photo::text, ',' ORDER BY employee_id)) AS photos, md5(string_agg(notes, ',' ORDER BY employee_id))
  FROM employees;
SELECT s.company_name, s.country, count(p.*) FROM suppliers s LEFT JOIN products p USING (supplier_id)
 GROUP BY s.supplier_id, s.company_name, s.country ORDER BY s.supplier_id;
SELECT r.region_description, count(t.*) FROM region r JOIN territories t USING (region_id) GROUP BY 1 ORDER BY 1;
SELECT cd.customer_type_id, string_agg(ccd.customer_id, ',' ORDER BY ccd.customer_id)
  FROM customer_demographics cd LEFT JOIN customer_customer_demo ccd USING (customer_type_id) GROUP BY 1 ORDER BY 1;
SELECT state_abbr, state_name FROM us_states ORDER BY state_id LIMIT 5;
