-- Northwind (a trading company's orders) while changes stream: order entry, shipping, stock and price changes, a
-- cancelled order, a new supplier's product with a picture. Its keys are given by the application (no sequence,
-- identity, trigger, cascade, partition or RLS table), so what must arrive is every value exactly: real prices,
-- bytea pictures, varchar keys.

-- order entry: an order and its lines per customer, one transaction each
DO $$
DECLARE o smallint;
BEGIN
  FOR n IN 1..25 LOOP
    o := (SELECT max(order_id) + 1 FROM orders);
    INSERT INTO orders (order_id, customer_id, employee_id, order_date, required_date, ship_via, freight, ship_name,
                        ship_city, ship_country)
    SELECT o, c.customer_id, 1 + n % 9, date '2026-01-05' + n, date '2026-02-05' + n, 1 + n % 3, 10.5 + n / 3.0,
           c.company_name, c.city, c.country
      FROM customers c ORDER BY c.customer_id OFFSET n LIMIT 1;
    INSERT INTO order_details (order_id, product_id, unit_price, quantity, discount)
    SELECT o, p.product_id, p.unit_price, 1 + (n + p.product_id) % 20, CASE WHEN n % 4 = 0 THEN 0.05 ELSE 0 END
      FROM products p WHERE p.product_id % 11 = n % 11 AND p.discontinued = 0;
    UPDATE products SET units_in_stock = greatest(units_in_stock - 1, 0), units_on_order = units_on_order + 1
     WHERE product_id IN (SELECT product_id FROM order_details WHERE order_id = o);
    COMMIT;
  END LOOP;
END $$;

-- shipping, a cancelled order, price and stock changes
UPDATE orders SET shipped_date = order_date + 3 WHERE order_id > 11077 AND order_id % 2 = 0;
DELETE FROM order_details WHERE order_id = (SELECT max(order_id) FROM orders);
DELETE FROM orders WHERE order_id = (SELECT max(order_id) FROM orders);
UPDATE products SET unit_price = round((unit_price * 1.07)::numeric, 2) WHERE category_id = 1;
UPDATE products SET discontinued = 1, units_on_order = 0 WHERE product_name = 'Chang';

-- a new supplier, category (with its picture) and product; a customer moves and becomes a demographic group member
INSERT INTO suppliers (supplier_id, company_name, contact_name, city, country, phone)
VALUES (30, 'Godwit Provisions', 'Zoë Fernández', 'Reykjavík', 'Iceland', '+354 555 0101');
INSERT INTO categories (category_id, category_name, description, picture)
VALUES (9, 'Preserves', 'Jams, pickles and ferments', decode(repeat('89504e470d0a1a0a', 64), 'hex'));
INSERT INTO products (product_id, product_name, supplier_id, category_id, quantity_per_unit, unit_price, units_in_stock,
                      units_on_order, reorder_level, discontinued)
VALUES (78, 'Skyr Preserve', 30, 9, '12 - 250 g jars', 14.25, 120, 0, 20, 0);
UPDATE customers SET address = 'Laugavegur 1', city = 'Reykjavík', country = 'Iceland' WHERE customer_id = 'ALFKI';
INSERT INTO customer_demographics (customer_type_id, customer_desc) VALUES ('NORD', 'Nordic retail');
INSERT INTO customer_customer_demo (customer_id, customer_type_id) VALUES ('ALFKI', 'NORD'), ('BERGS', 'NORD');
UPDATE employees SET notes = notes || ' Moved to the Reykjavík office.' WHERE employee_id = 5;
DELETE FROM employee_territories WHERE employee_id = 5 AND territory_id = (SELECT min(territory_id)
                                                                            FROM employee_territories WHERE employee_id = 5);
