-- CreateTable
CREATE TABLE "TenantCreation" (
    "importJobId" TEXT COLLATE "C" NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "upnKey" TEXT COLLATE "C" NOT NULL,
    "askedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TenantCreation_pkey" PRIMARY KEY ("importJobId","rowNumber")
);

