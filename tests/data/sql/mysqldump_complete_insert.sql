/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: labo
-- ------------------------------------------------------
-- Server version	10.11.19-MariaDB-0+deb12u1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

--
-- Table structure for table `analyses`
--

DROP TABLE IF EXISTS `analyses`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `analyses` (
  `id` int(11) NOT NULL,
  `patient_id` int(11) DEFAULT NULL,
  `date_prelevement` date DEFAULT NULL,
  `examen` varchar(80) DEFAULT NULL,
  `resultat` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `patient_id` (`patient_id`),
  CONSTRAINT `analyses_ibfk_1` FOREIGN KEY (`patient_id`) REFERENCES `patients` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `analyses`
--

LOCK TABLES `analyses` WRITE;
/*!40000 ALTER TABLE `analyses` DISABLE KEYS */;
INSERT INTO `analyses` (`id`, `patient_id`, `date_prelevement`, `examen`, `resultat`) VALUES (1,1,'2021-02-03','Glycémie à jeun','1,05 g/L');
INSERT INTO `analyses` (`id`, `patient_id`, `date_prelevement`, `examen`, `resultat`) VALUES (2,2,'2021-02-04','Sérologie VIH','négatif');
INSERT INTO `analyses` (`id`, `patient_id`, `date_prelevement`, `examen`, `resultat`) VALUES (3,4,'2021-02-05','TSH',NULL);
INSERT INTO `analyses` (`id`, `patient_id`, `date_prelevement`, `examen`, `resultat`) VALUES (4,7,'2021-02-06','NFS','Voir note:\n\'hémoglobine\' basse\\haute?');
/*!40000 ALTER TABLE `analyses` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `patients`
--

DROP TABLE IF EXISTS `patients`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `patients` (
  `id` int(11) NOT NULL,
  `nom` varchar(80) NOT NULL,
  `prénom` varchar(80) DEFAULT NULL,
  `nir` char(15) DEFAULT NULL,
  `email` varchar(120) DEFAULT NULL,
  `telephone` varchar(20) DEFAULT NULL,
  `date_naissance` date DEFAULT NULL,
  `poids` decimal(5,1) DEFAULT NULL,
  `commentaire` text DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `patients`
--

LOCK TABLES `patients` WRITE;
/*!40000 ALTER TABLE `patients` DISABLE KEYS */;
INSERT INTO `patients` (`id`, `nom`, `prénom`, `nir`, `email`, `telephone`, `date_naissance`, `poids`, `commentaire`) VALUES (1,'Lefèvre','Éloïse','269054958815780','eloise.lefevre@example.org','06 12 34 56 78','1969-05-21',61.5,'Allergie pénicilline; \"à surveiller\"');
INSERT INTO `patients` (`id`, `nom`, `prénom`, `nir`, `email`, `telephone`, `date_naissance`, `poids`, `commentaire`) VALUES (2,'O\'Connor','Seán','184017512345658','sean.oconnor@example.com','+33 1 45 67 89 01','1984-01-30',82.0,'Patient dit : \'ça va\', puis part');
INSERT INTO `patients` (`id`, `nom`, `prénom`, `nir`, `email`, `telephone`, `date_naissance`, `poids`, `commentaire`) VALUES (3,'Garçon','Hélène','291109935210118',NULL,'07.98.76.54.32','1991-10-02',NULL,'Chemin C:\\dossiers\\nouveau\\');
INSERT INTO `patients` (`id`, `nom`, `prénom`, `nir`, `email`, `telephone`, `date_naissance`, `poids`, `commentaire`) VALUES (4,'Nguyễn','Minh','175021305501217','minh.nguyen@example.net','0491234567','1975-02-14',70.2,'Ligne 1\nLigne 2\r\nLigne 3	tabulée');
INSERT INTO `patients` (`id`, `nom`, `prénom`, `nir`, `email`, `telephone`, `date_naissance`, `poids`, `commentaire`) VALUES (5,'Dubois-Martin','Zoé','255086912304577','zoe.dm@example.org','01 23 45 67 89','1955-08-09',58.0,NULL);
INSERT INTO `patients` (`id`, `nom`, `prénom`, `nir`, `email`, `telephone`, `date_naissance`, `poids`, `commentaire`) VALUES (6,'Petit','Noël','102123304417880','noel.petit@example.fr','06 98 76 54 32','2002-12-25',33.3,'');
INSERT INTO `patients` (`id`, `nom`, `prénom`, `nir`, `email`, `telephone`, `date_naissance`, `poids`, `commentaire`) VALUES (7,'Rousseau','Chloé','287039211112330','chloe.rousseau@example.org','+33 6 11 22 33 44','1987-03-03',64.8,'Valeurs ),( et \'); DROP TABLE patients; --');
INSERT INTO `patients` (`id`, `nom`, `prénom`, `nir`, `email`, `telephone`, `date_naissance`, `poids`, `commentaire`) VALUES (8,'Bernard','Lucas','193117505608920','lucas.bernard@example.com','0612345678','1993-11-11',90.1,'\\N');
INSERT INTO `patients` (`id`, `nom`, `prénom`, `nir`, `email`, `telephone`, `date_naissance`, `poids`, `commentaire`) VALUES (9,'Moreau','Inès','200010100101736','ines.moreau@example.org','06 01 02 03 04','2000-01-01',55.5,'NULL');
INSERT INTO `patients` (`id`, `nom`, `prénom`, `nir`, `email`, `telephone`, `date_naissance`, `poids`, `commentaire`) VALUES (10,'Faure','Théo','199063300100292','theo.faure@example.net','06 55 44 33 22','1999-06-06',77.7,'Émoji 🙂 — naïve façade, « guillemets », 100 % \\% \\_ fin');
/*!40000 ALTER TABLE `patients` ENABLE KEYS */;
UNLOCK TABLES;
/*!50003 SET @saved_cs_client      = @@character_set_client */ ;
/*!50003 SET @saved_cs_results     = @@character_set_results */ ;
/*!50003 SET @saved_col_connection = @@collation_connection */ ;
/*!50003 SET character_set_client  = utf8mb4 */ ;
/*!50003 SET character_set_results = utf8mb4 */ ;
/*!50003 SET collation_connection  = utf8mb4_general_ci */ ;
/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
/*!50003 SET sql_mode              = 'NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION' */ ;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER patients_journal AFTER INSERT ON patients FOR EACH ROW BEGIN
  INSERT INTO analyses (id, patient_id, examen) VALUES (NEW.id + 1000, NEW.id, 'créé; ''auto''');
END 
*/;;
DELIMITER ;
/*!50003 SET sql_mode              = @saved_sql_mode */ ;
/*!50003 SET character_set_client  = @saved_cs_client */ ;
/*!50003 SET character_set_results = @saved_cs_results */ ;
/*!50003 SET collation_connection  = @saved_col_connection */ ;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed
