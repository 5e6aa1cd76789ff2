--
-- PostgreSQL database dump
--

\restrict qGsytd1p4atblXC939d5ZM4HnUaMVb0GgCFVj4VXg6WLIMobVXgFh5ccAPkazif

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
-- Name: journaliser(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.journaliser() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  INSERT INTO analyses (id, patient_id, examen) VALUES (NEW.id + 1000, NEW.id, 'créé; ''auto''');
  RETURN NEW;
END
$$;


ALTER FUNCTION public.journaliser() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: analyses; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.analyses (
    id integer NOT NULL,
    patient_id integer,
    date_prelevement date,
    examen character varying(80),
    resultat text
);


ALTER TABLE public.analyses OWNER TO postgres;

--
-- Name: patients; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.patients (
    id integer NOT NULL,
    nom character varying(80) NOT NULL,
    "prénom" character varying(80),
    nir character(15),
    email character varying(120),
    telephone character varying(20),
    date_naissance date,
    poids numeric(5,1),
    commentaire text
);


ALTER TABLE public.patients OWNER TO postgres;

--
-- Data for Name: analyses; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.analyses (id, patient_id, date_prelevement, examen, resultat) FROM stdin;
1	1	2021-02-03	Glycémie à jeun	1,05 g/L
2	2	2021-02-04	Sérologie VIH	négatif
3	4	2021-02-05	TSH	\N
4	7	2021-02-06	NFS	Voir note:\n'hémoglobine' basse\\haute?
\.


--
-- Data for Name: patients; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.patients (id, nom, "prénom", nir, email, telephone, date_naissance, poids, commentaire) FROM stdin;
1	Lefèvre	Éloïse	269054958815780	eloise.lefevre@example.org	06 12 34 56 78	1969-05-21	61.5	Allergie pénicilline; "à surveiller"
2	O'Connor	Seán	184017512345658	sean.oconnor@example.com	+33 1 45 67 89 01	1984-01-30	82.0	Patient dit : 'ça va', puis part
3	Garçon	Hélène	291109935210118	\N	07.98.76.54.32	1991-10-02	\N	Chemin C:\\dossiers\\nouveau\\
4	Nguyễn	Minh	175021305501217	minh.nguyen@example.net	0491234567	1975-02-14	70.2	Ligne 1\nLigne 2\r\nLigne 3\ttabulée
5	Dubois-Martin	Zoé	255086912304577	zoe.dm@example.org	01 23 45 67 89	1955-08-09	58.0	\N
6	Petit	Noël	102123304417880	noel.petit@example.fr	06 98 76 54 32	2002-12-25	33.3	
7	Rousseau	Chloé	287039211112330	chloe.rousseau@example.org	+33 6 11 22 33 44	1987-03-03	64.8	Valeurs ),( et '); DROP TABLE patients; --
8	Bernard	Lucas	193117505608920	lucas.bernard@example.com	0612345678	1993-11-11	90.1	\\N
9	Moreau	Inès	200010100101736	ines.moreau@example.org	06 01 02 03 04	2000-01-01	55.5	NULL
10	Faure	Théo	199063300100292	theo.faure@example.net	06 55 44 33 22	1999-06-06	77.7	Émoji 🙂 — naïve façade, « guillemets », 100 % \\% \\_ fin
\.


--
-- Name: analyses analyses_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.analyses
    ADD CONSTRAINT analyses_pkey PRIMARY KEY (id);


--
-- Name: patients patients_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.patients
    ADD CONSTRAINT patients_pkey PRIMARY KEY (id);


--
-- Name: patients patients_journal; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER patients_journal AFTER INSERT ON public.patients FOR EACH ROW EXECUTE FUNCTION public.journaliser();


--
-- Name: analyses analyses_patient_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.analyses
    ADD CONSTRAINT analyses_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES public.patients(id);


--
-- PostgreSQL database dump complete
--

\unrestrict qGsytd1p4atblXC939d5ZM4HnUaMVb0GgCFVj4VXg6WLIMobVXgFh5ccAPkazif

